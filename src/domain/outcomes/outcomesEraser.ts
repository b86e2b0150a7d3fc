import type { Eraser } from '../../engine/turnState.ts';
import { eraseFromFigures } from '../../store/funnelEvents.ts';

/**
 * Erasure and the figures ("delete my data", retention, staff erasure): the conversation's reach
 * row — the only link from it to its funnel subject — goes, its events stay (every count keeps its
 * value) under a fresh subject at day resolution, and `erased` is counted for the day with nothing
 * else (store/funnelEvents.ts `eraseFromFigures`). It reads the reach row, so it runs first among
 * the erasers (app.ts `erasersOf`).
 */
export function outcomesEraser(clock: () => Date = () => new Date()): Eraser {
  return (tx, conversationId) => eraseFromFigures(tx, conversationId, clock());
}
