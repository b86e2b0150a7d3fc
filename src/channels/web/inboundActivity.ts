import { z } from 'zod';

/** Longest text the engine accepts in one Turn (turnSchema); longer messages are refused with 413. */
export const MAX_TEXT_LENGTH = 4000;

/**
 * The fields of an inbound Bot Framework / Direct Line activity that Anchorline reads.
 * Unknown fields are dropped; oversized text is checked separately (413, not 400).
 */
export const inboundActivitySchema = z.object({
  type: z.string().min(1).max(50),
  id: z.string().max(200).optional(),
  name: z.string().max(200).optional(),
  text: z.string().optional(),
  value: z.unknown().optional(),
  locale: z.string().min(2).max(20).optional(),
  from: z.object({ id: z.string().max(200).optional(), name: z.string().max(200).optional() }).loose().optional(),
  /** `referral`: a referral code a page sends with its first message (checked by the engine's turn schema). */
  channelData: z.object({ clientActivityID: z.string().min(1).max(200).optional(), referral: z.unknown().optional() }).loose().optional(),
  /** Files residents attach are refused politely (the engine says so); only their number is kept. */
  attachments: z.array(z.unknown()).max(50).optional(),
});
export type InboundActivity = z.infer<typeof inboundActivitySchema>;

const cardSubmitSchema = z.object({ choice: z.string(), label: z.string().optional() });

/**
 * What the resident said or chose. An Adaptive Card button sends `{choice, label}` as its value
 * (see adaptiveCard.ts): the engine gets the choice as `value` and the label as `text`, so the
 * transcript shows the label the resident clicked.
 */
export function residentInput(activity: InboundActivity): { text?: string; value?: unknown; attachments?: number } {
  const files = activity.attachments?.length ? { attachments: activity.attachments.length } : {};
  const submitted = cardSubmitSchema.safeParse(activity.value);
  if (submitted.success) {
    const text = activity.text ?? submitted.data.label;
    return { ...(text !== undefined ? { text } : {}), value: submitted.data.choice, ...files };
  }
  return {
    ...files,
    ...(activity.text !== undefined ? { text: activity.text } : {}),
    ...(activity.value !== undefined ? { value: activity.value } : {}),
  };
}
