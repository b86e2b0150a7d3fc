import type { Eraser } from '../../engine/turnState.ts';
import { forgetReach, recordFunnelEvent } from '../../store/funnelEvents.ts';

/**
 * Erasure and the figures ("delete my data", retention, staff erasure): the `erased` stage is
 * counted with the conversation's dimensions, then its reach row — the only link from the
 * conversation to its funnel subject — is deleted. The events already counted stay as they were
 * and name nobody. It reads the reach row, so it runs first among the erasers (app.ts `erasersOf`).
 */
export function outcomesEraser(clock: () => Date = () => new Date()): Eraser {
  return async (tx, conversationId) => {
    await recordFunnelEvent(tx, conversationId, 'erased', clock());
    await forgetReach(tx, conversationId);
  };
}
