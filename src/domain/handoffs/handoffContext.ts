import type { Logger } from 'pino';
import type { Reply } from '../../engine/reply.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { appendHandoffEvent } from '../../store/handoffOutbox.ts';
import type { HandoffEvent } from './handoffEvents.ts';
import type { HandoffText } from './handoffText.ts';
import type { Calendar } from './officeHours.ts';

/** What both sides of the handoff service share. */
export interface HandoffContext {
  db: Db;
  text: HandoffText;
  calendar: Calendar;
  /** Unclaimed this long → an `escalation_due` event (the channel reminds the duty group). */
  escalationMinutes: number;
  /**
   * An adviser channel is connected and consumes handoff events from the outbox. Off: no events
   * are written, the handoffs table itself is the queue, and residents are told an adviser will
   * contact them.
   */
  channelConnected: boolean;
  logger: Logger;
  now(): Date;
  /**
   * The question the resident's flow waits on, asked again (engine/pendingQuestion.ts, wired in
   * app.ts): "Return to bot" adds it, in the same transaction. Absent: the return line alone.
   */
  pendingQuestion?: ((tx: Queryable, conversationId: string) => Promise<Reply[]>) | undefined;
}

/** Writes a handoff event in the caller's transaction when an adviser channel will read it. */
export async function emit(ctx: HandoffContext, tx: Queryable, handoffId: number, key: string, event: HandoffEvent, runAt: Date): Promise<void> {
  if (ctx.channelConnected) await appendHandoffEvent(tx, { handoffId, key, event, runAt });
}
