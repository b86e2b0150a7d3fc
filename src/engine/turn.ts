import { z } from 'zod';

/** One inbound message from any channel, in one neutral shape. */
export const turnSchema = z.object({
  conversationId: z.string().min(1).max(200),
  channel: z.enum(['directline', 'botframework', 'test', 'cli']),
  /** The channel's id for this inbound activity; a repeat returns the first replies and runs nothing. */
  activityId: z.string().min(1).max(200),
  user: z.object({ id: z.string().min(1).max(200), name: z.string().max(200).optional() }),
  text: z.string().max(4000).optional(),
  /** A button payload (the `value` of a choice the resident clicked). */
  value: z.unknown().optional(),
  locale: z.string().min(2).max(20).optional(),
  /** How many files the resident attached: refused politely, never stored. */
  attachments: z.number().int().min(0).max(50).optional(),
  /** Direct Line: the client's `channelData.clientActivityID`, stored in the inbound message body and echoed back. */
  clientActivityId: z.string().min(1).max(200).optional(),
  receivedAt: z.coerce.date(),
});
export type Turn = z.infer<typeof turnSchema>;
