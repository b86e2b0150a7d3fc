import { countQueued } from '../../store/handoffs.ts';
import { type AdviserSide, createAdviserSide } from './adviserSide.ts';
import { setQueueLengthSource } from './handoffMetrics.ts';
import type { HandoffContext } from './handoffContext.ts';
import { createResidentSide, type ResidentSide } from './residentSide.ts';

export type { Adviser, AdviserMessageOutcome, AdviserSide, TranscriptView } from './adviserSide.ts';
export type { ResidentSide } from './residentSide.ts';

/** The shared context (see HandoffContext), with the clock optional. */
export type HandoffServiceOptions = Omit<HandoffContext, 'now'> & { now?: () => Date };

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
