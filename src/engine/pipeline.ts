import type { TurnState } from './turnState.ts';

/**
 * One named step of a turn (botbuilder's middleware is the model): it handles the message and
 * returns, or calls `next()` to pass it on. Errors propagate to `runTurn`, which rolls the whole
 * turn back and tells the resident it did not go through.
 */
export type TurnStep = (t: TurnState, next: () => Promise<void>) => Promise<void>;

/** Runs the steps in order; a step that does not call `next` ends the turn there. */
export function runSteps(steps: readonly TurnStep[], t: TurnState): Promise<void> {
  const dispatch = (i: number): Promise<void> => {
    const step = steps[i];
    return step ? step(t, () => dispatch(i + 1)) : Promise.resolve();
  };
  return dispatch(0);
}
