import type { Logger } from 'pino';
import type { Db } from '../../store/db.ts';
import { countQueued } from '../../store/handoffs.ts';
import { type AdviserSide, createAdviserSide } from './adviserSide.ts';
import { setQueueLengthSource } from './handoffMetrics.ts';
import type { HandoffContext } from './handoffContext.ts';
import type { HandoffText } from './handoffText.ts';
import type { Calendar } from './officeHours.ts';
import { createResidentSide, type ResidentSide } from './residentSide.ts';

export type { Adviser, AdviserMessageOutcome, AdviserSide, TranscriptView } from './adviserSide.ts';
export type { ResidentSide } from './residentSide.ts';

export interface HandoffServiceOptions {
  db: Db;
  text: HandoffText;
  calendar: Calendar;
  /** Unclaimed this long → an `escalation_due` event (the channel reminds the duty group). */
  escalationMinutes: number;
  /**
   * An adviser channel is connected and consumes handoff events from the outbox. Off: no
   * events are written, the handoffs table itself is the queue, and residents are told an
   * adviser will contact them.
   */
  channelConnected: boolean;
  logger: Logger;
  now?: () => Date;
  /** Repeats the resident's pending question when an adviser returns them to the bot (see HandoffContext). */
  pendingQuestion?: HandoffContext['pendingQuestion'];
}

export type HandoffDesk = ResidentSide & AdviserSide;

/**
 * The adviser handoff, channel-neutral: the engine's HandoffService (run in the turn's
 * transaction) plus what an adviser channel may do. State changes, audit rows, handoff events
 * and the resident's lines commit together.
 */
export function createHandoffService(o: HandoffServiceOptions): HandoffDesk {
  const ctx = { ...o, now: o.now ?? (() => new Date()) };
  setQueueLengthSource(() => countQueued(o.db));
  return { ...createResidentSide(ctx), ...createAdviserSide(ctx) };
}
