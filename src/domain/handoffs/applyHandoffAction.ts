import type { Queryable } from '../../store/db.ts';
import { changeHandoffStatus, getHandoff, type Handoff, type StatusChange } from '../../store/handoffs.ts';
import { type HandoffAction, handoffTransition, TRANSITIONS, type TransitionResult } from './handoffTransition.ts';

export type ApplyResult = { ok: true; handoff: Handoff } | Exclude<TransitionResult, { ok: true }> | { ok: false; code: 'not_found' };

/** The columns an action changes besides the status. */
function changeFor(action: HandoffAction, at: Date, adviserName: string | undefined): StatusChange {
  const { from, to } = TRANSITIONS[action.type];
  switch (action.type) {
    case 'queued':
      return { from, to, at };
    case 'claim':
      return { from, to, at, adviser: { id: action.adviserId, name: adviserName ?? null } };
    case 'release':
      return { from, to, at, adviser: null, ownedBy: { adviserId: action.adviserId, orNobody: false } };
    case 'message':
      return { from, to, at, ownedBy: { adviserId: action.adviserId, orNobody: false } };
    case 'return':
    case 'close':
      return { from, to, at, ends: true, ownedBy: { adviserId: action.adviserId, orNobody: true } };
    case 'leave':
      return { from, to, at, ends: true, leftReason: action.reason };
    default: {
      const never: never = action;
      throw new Error(`unknown handoff action ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Applies one action with a single conditional UPDATE, so two advisers pressing Claim
 * together (on any number of processes) leave exactly one owner: the loser's UPDATE
 * matches no row, and the re-read tells them who won.
 */
export async function applyHandoffAction(db: Queryable, id: number, action: HandoffAction, at: Date, adviserName?: string): Promise<ApplyResult> {
  const changed = await changeHandoffStatus(db, id, changeFor(action, at, adviserName));
  if (changed) return { ok: true, handoff: changed };
  const current = await getHandoff(db, id);
  if (!current) return { ok: false, code: 'not_found' };
  const why = handoffTransition(current.status, current.adviserId, action);
  // The row changed between our UPDATE and this read; report it as not allowed now.
  return why.ok ? { ok: false, code: 'not_allowed', from: current.status } : why;
}
