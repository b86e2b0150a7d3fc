import { z } from 'zod';

/**
 * What happened to a handoff, for whichever adviser channel is connected. The domain writes
 * these to the outbox in the transaction of the change; the channel decides what each means
 * to its advisers (a card, an update in place, a thread message, a mention).
 */
export const handoffEventSchema = z.discriminatedUnion('type', [
  /** A resident is waiting: show the request with its summary. */
  z.object({ type: z.literal('requested'), payload: z.object({}) }),
  z.object({ type: z.literal('claimed'), payload: z.object({}) }),
  z.object({ type: z.literal('released'), payload: z.object({}) }),
  /** The owner's first message reached the resident (claimed → active). */
  z.object({ type: z.literal('adviser_replied'), payload: z.object({}) }),
  z.object({ type: z.literal('returned'), payload: z.object({}) }),
  z.object({ type: z.literal('closed'), payload: z.object({}) }),
  /** An open handoff became urgent (safeguarding): tell the safeguarding group now. */
  z.object({ type: z.literal('urgent'), payload: z.object({}) }),
  /**
   * The resident chose how to be contacted (a phone number or email address they agreed we use
   * for this; or chat). Personal data: emptied on erasure.
   */
  z.object({
    type: z.literal('callback'),
    payload: z.object({ method: z.enum(['chat', 'phone', 'email']), phone: z.string(), email: z.string(), preferredTime: z.string() }).partial(),
  }),
  /** A resident message (stored as `seq` in the transcript) to show the adviser. Emptied on erasure. */
  z.object({ type: z.literal('message'), payload: z.object({ seq: z.number().int() }).partial() }),
  /** Due `escalationMinutes` after the request: remind the duty group if still unclaimed. */
  z.object({ type: z.literal('escalation_due'), payload: z.object({}) }),
  /** The resident left an open handoff (stop, start again, delete my data). */
  z.object({ type: z.literal('resident_left'), payload: z.object({ reason: z.enum(['erased', 'stopped', 'restarted']) }) }),
  /** The resident's data was erased: whatever the channel shows of it must go. */
  z.object({ type: z.literal('erased'), payload: z.object({}) }),
]);
export type HandoffEvent = z.infer<typeof handoffEventSchema>;
export type HandoffEventType = HandoffEvent['type'];

/** Event types whose payload carries what the resident wrote or gave: emptied on erasure. */
export const PERSONAL_EVENT_TYPES: readonly HandoffEventType[] = ['message', 'callback'];
