import { z } from 'zod';

export const choiceSchema = z.object({ value: z.string(), label: z.string() });
export type Choice = z.infer<typeof choiceSchema>;

/** A card the channels render natively (Adaptive Card on the web) with a text fallback. */
export const cardSchema = z.object({
  kind: z.enum(['session', 'vacancy', 'info']),
  title: z.string(),
  facts: z.array(z.object({ label: z.string(), value: z.string() })).default([]),
  text: z.string().optional(),
  /** Buttons on the card. */
  actions: z.array(choiceSchema).default([]),
  fallback: z.string(),
});
export type Card = z.infer<typeof cardSchema>;

/** What the engine says back; each channel renders every kind (exhaustive switch). */
export const replySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), locale: z.string(), dir: z.enum(['ltr', 'rtl']) }),
  z.object({
    type: z.literal('choices'),
    text: z.string(),
    choices: z.array(choiceSchema),
    locale: z.string(),
    dir: z.enum(['ltr', 'rtl']),
  }),
  z.object({ type: z.literal('card'), card: cardSchema, locale: z.string(), dir: z.enum(['ltr', 'rtl']) }),
  z.object({ type: z.literal('typing') }),
  z.object({
    type: z.literal('handoffStatus'),
    status: z.enum(['requested', 'queued', 'claimed', 'active', 'returned', 'closed']),
    text: z.string(),
    locale: z.string(),
    dir: z.enum(['ltr', 'rtl']),
  }),
  /** A message typed by an adviser, relayed to the resident. */
  z.object({ type: z.literal('adviser'), text: z.string(), adviserName: z.string().optional() }),
]);
export type Reply = z.infer<typeof replySchema>;
