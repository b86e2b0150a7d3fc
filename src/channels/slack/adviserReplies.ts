import type { AdviserMessageOutcome } from '../../domain/handoffs/adviserSide.ts';
import type { ApplyResult } from '../../domain/handoffs/applyHandoffAction.ts';

/** What an adviser is told (ephemerally) when a button press did nothing; undefined = say nothing. */
export function buttonRefusal(r: ApplyResult, adviserId: string, verb: string): string | undefined {
  if (r.ok) return undefined;
  switch (r.code) {
    case 'not_found':
      return 'This handoff no longer exists.';
    case 'not_owner':
      return `<@${r.ownerId}> has this handoff, so only they can ${verb} it.`;
    case 'not_allowed':
      if (r.from === 'claimed' || r.from === 'active') return verb === 'claim' ? undefined : `You cannot ${verb} it now: it is ${r.from}.`;
      return `You cannot ${verb} it now: it is already ${r.from}.`;
    default: {
      const never: never = r;
      return never;
    }
  }
}

/** A press on a card drawn before the handoff last changed (or a replayed one): nothing was done. */
export function staleCard(verb: string, handoffId: number): string {
  return `Nothing was done: handoff #${handoffId} changed after this card was drawn, so this ${verb} press was out of date. The card now shows where it stands.`;
}

/** Claim lost: tell the adviser who has it (unless it is them, pressing twice). */
export function claimLost(ownerId: string | null, adviserId: string): string | undefined {
  if (ownerId === adviserId) return undefined;
  return ownerId ? `<@${ownerId}> has already claimed this handoff.` : 'This handoff can no longer be claimed.';
}

export function threadReplyNotice(o: AdviserMessageOutcome, notePrefix: string): string | undefined {
  switch (o.type) {
    case 'relayed':
    case 'not_a_handoff':
      return undefined;
    case 'not_claimed':
      return `Not sent to the resident: press Claim on the card first. Start with \`${notePrefix}\` for an internal note.`;
    case 'not_owner':
      return `Not sent to the resident: <@${o.ownerId}> has this handoff. Start with \`${notePrefix}\` for an internal note.`;
    case 'ended':
      return 'Not sent: this conversation has been returned to the assistant or closed.';
    case 'resident_left':
      return 'Not sent: the resident has left this chat.';
    case 'not_delivered':
      return 'Your message could not be delivered to the resident. Please try again.';
    default: {
      const never: never = o;
      return never;
    }
  }
}
