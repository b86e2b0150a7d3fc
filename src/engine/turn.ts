import { z } from 'zod';
import { normaliseReferralCode } from '../store/referralCodes.ts';
import { EngineError } from './flowPosition.ts';

/** Text the database can store as it is: no NUL, no lone surrogate halves. */
const storableText = (s: string) => !s.includes('\u0000') && !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));

/** A button payload: plain JSON, not too deep, with storable strings throughout. */
function storableValue(v: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (typeof v === 'string') return storableText(v);
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || v === undefined) return typeof v !== 'number' || Number.isFinite(v);
  if (Array.isArray(v)) return v.length <= 200 && v.every((x) => storableValue(x, depth + 1));
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return entries.length <= 200 && entries.every(([k, x]) => storableText(k) && storableValue(x, depth + 1));
  }
  return false;
}

const text = (max: number) => z.string().max(max).refine(storableText, 'contains a NUL character or broken Unicode');

/** One inbound message from any channel, in one neutral shape. */
export const turnSchema = z
  .object({
    conversationId: text(200).pipe(z.string().min(1)),
    channel: z.enum(['directline', 'botframework', 'test', 'cli']),
    /** The channel's id for this inbound activity; a repeat returns the first replies and runs nothing. */
    activityId: text(200).pipe(z.string().min(1)),
    user: z.object({ id: text(200).pipe(z.string().min(1)), name: text(200).optional() }),
    text: text(4000).optional(),
    /** A button payload (the `value` of a choice the resident clicked). */
    value: z.unknown().refine(storableValue, 'is not plain JSON (too deep, NUL or broken Unicode)').optional(),
    locale: z.string().min(2).max(20).optional(),
    /** How many files the resident attached: refused politely, never stored. */
    attachments: z.number().int().min(0).max(50).optional(),
    /** Direct Line: the client's `channelData.clientActivityID`, stored in the inbound message body and echoed back. */
    clientActivityId: text(200).pipe(z.string().min(1)).optional(),
    /**
     * The referral code the resident came by (`/?ref=CODE`, the widget's `data-referral`), counted
     * when this turn starts the conversation. A malformed one is dropped, never refused: a
     * mistyped poster link must still chat.
     */
    referral: z.unknown().transform(normaliseReferralCode).optional(),
    receivedAt: z.coerce.date(),
  })
  .refine((t) => t.text || t.value !== undefined || t.attachments, 'a turn needs text, a value or an attachment');
export type Turn = z.infer<typeof turnSchema>;

/** Checks a channel's turn; a message the engine cannot take is `turn_invalid` (the channel answers 400). */
export function parseTurn(raw: unknown): Turn {
  const r = turnSchema.safeParse(raw);
  if (!r.success) throw new EngineError('turn_invalid', r.error.issues.map((i) => `${i.path.join('.') || 'turn'}: ${i.message}`).join('; '));
  return r.data;
}
