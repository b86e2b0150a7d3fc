import { z } from 'zod';

export const handoffStatusSchema = z.enum(['requested', 'queued', 'claimed', 'active', 'returned', 'closed']);
export type HandoffStatus = z.infer<typeof handoffStatusSchema>;

export const handoffActionSchema = z.discriminatedUnion('type', [
  /** The request reached the advisers (with no adviser channel connected, the row itself is the queue). */
  z.object({ type: z.literal('queued') }),
  z.object({ type: z.literal('claim'), adviserId: z.string() }),
  z.object({ type: z.literal('release'), adviserId: z.string() }),
  /** The owner's first message reached the resident. */
  z.object({ type: z.literal('message'), adviserId: z.string() }),
  z.object({ type: z.literal('return'), adviserId: z.string() }),
  z.object({ type: z.literal('close'), adviserId: z.string() }),
  /** The resident left an open handoff (stop, start again, delete my data). */
  z.object({ type: z.literal('leave'), reason: z.enum(['erased', 'stopped', 'restarted']) }),
]);
export type HandoffAction = z.infer<typeof handoffActionSchema>;

export const OPEN_STATUSES: readonly HandoffStatus[] = ['requested', 'queued', 'claimed', 'active'];

/**
 * Which statuses each action may leave from, and where it goes. applyHandoffAction turns
 * this into conditional UPDATEs (`WHERE status = ANY(from)`), so the table is the only place
 * the state machine is written down. `return`/`close` may come from an unclaimed handoff:
 * an adviser can hand a resident straight back or close a duplicate without claiming.
 */
export const TRANSITIONS: { [K in HandoffAction['type']]: { from: readonly HandoffStatus[]; to: HandoffStatus } } = {
  queued: { from: ['requested'], to: 'queued' },
  claim: { from: ['requested', 'queued'], to: 'claimed' },
  release: { from: ['claimed', 'active'], to: 'queued' },
  message: { from: ['claimed'], to: 'active' },
  return: { from: ['requested', 'queued', 'claimed', 'active'], to: 'returned' },
  close: { from: ['requested', 'queued', 'claimed', 'active'], to: 'closed' },
  leave: { from: ['requested', 'queued', 'claimed', 'active'], to: 'closed' },
};

export type TransitionResult =
  | { ok: true; to: HandoffStatus }
  | { ok: false; code: 'not_allowed'; from: HandoffStatus }
  | { ok: false; code: 'not_owner'; ownerId: string };

/**
 * Pure: may `action` happen to a handoff in `status` owned by `ownerId`?
 * Actions by someone other than the owner of a claimed handoff are refused.
 */
export function handoffTransition(status: HandoffStatus, ownerId: string | null, action: HandoffAction): TransitionResult {
  const t = TRANSITIONS[action.type];
  if (!t.from.includes(status)) return { ok: false, code: 'not_allowed', from: status };
  switch (action.type) {
    case 'queued':
    case 'claim':
    case 'leave':
      return { ok: true, to: t.to };
    case 'release':
    case 'message':
    case 'return':
    case 'close':
      if (ownerId !== null && ownerId !== action.adviserId) return { ok: false, code: 'not_owner', ownerId };
      return { ok: true, to: t.to };
    default: {
      const never: never = action;
      return never;
    }
  }
}
