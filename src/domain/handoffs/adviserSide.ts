import { MESSAGES_CHANNEL } from '../../engine/port.ts';
import type { Reply } from '../../engine/reply.ts';
import { appendReplies, lockConversation, setOwner } from '../../store/conversations.ts';
import type { Queryable } from '../../store/db.ts';
import { getHandoff, type Handoff, listClaimedBy, listOpenHandoffs } from '../../store/handoffs.ts';
import { applyHandoffAction, type ApplyResult } from './applyHandoffAction.ts';
import { type AuditAction, listAudit, recordAudit } from './audit.ts';
import { emit, type HandoffContext } from './handoffContext.ts';
import type { HandoffEvent } from './handoffEvents.ts';
import { timeToClaim } from './handoffMetrics.ts';

export interface Adviser {
  id: string;
  name?: string;
}

export type AdviserMessageOutcome =
  | { type: 'relayed'; handoff: Handoff }
  | { type: 'not_a_handoff' }
  | { type: 'not_claimed'; handoff: Handoff }
  | { type: 'not_owner'; handoff: Handoff; ownerId: string }
  | { type: 'ended'; handoff: Handoff }
  | { type: 'resident_left'; handoff: Handoff }
  | { type: 'not_delivered'; handoffId: number };

/** What an adviser's button press did: `stale` when it was pressed on an older state of the handoff (nothing changed). */
export type AdviserActResult = ApplyResult | { ok: false; code: 'stale'; handoff: Handoff };

/** Audit actions that change a handoff's state (the `queued` delivery step changes no button). */
const STATE_CHANGES: ReadonlySet<AuditAction> = new Set(['claim', 'release', 'return', 'close', 'resident_left']);

/**
 * The handoff's state version: how many times its state has been changed. A card carries it in its
 * buttons, so a press made on an older card (or a captured press replayed later) changes nothing,
 * even when the handoff is back in the state that card showed (claimed, then released).
 */
export async function handoffVersion(db: Queryable, h: Handoff): Promise<number> {
  const entries = await listAudit(db, h.conversationId);
  return entries.filter((e) => e.handoffId === h.id && STATE_CHANGES.has(e.action)).length;
}

export type TranscriptView = { type: 'shown'; handoff: Handoff } | { type: 'resident_left'; handoff: Handoff } | { type: 'not_found' };

/**
 * What an adviser channel may do. Each call is one transaction of its own. `seen` is the state
 * version the adviser acted on (see handoffVersion): when the handoff has moved on since, the
 * press is `stale` and nothing changes.
 */
export interface AdviserSide {
  claim(handoffId: number, adviser: Adviser, seen?: number): Promise<AdviserActResult>;
  release(handoffId: number, adviser: Adviser, seen?: number): Promise<AdviserActResult>;
  returnToBot(handoffId: number, adviser: Adviser, seen?: number): Promise<AdviserActResult>;
  close(handoffId: number, adviser: Adviser, seen?: number): Promise<AdviserActResult>;
  /** The handoff's current state version (what a card's buttons carry). */
  version(h: Handoff): Promise<number>;
  /** An adviser's message for the resident: stored as the resident's next line in the same transaction. */
  adviserMessage(input: { handoffId: number; adviser: Adviser; text: string }): Promise<AdviserMessageOutcome>;
  /** An internal note (never sent to the resident): audited, no text kept. */
  adviserNote(handoffId: number, adviser: Adviser): Promise<Handoff | undefined>;
  /** An adviser asks for the transcript: audited when shown; refused once the resident left. */
  viewTranscript(handoffId: number, adviser: Adviser): Promise<TranscriptView>;
  /** The channel showed the request to advisers (requested → queued), in the channel's transaction. */
  markDelivered(handoffId: number, tx: Queryable): Promise<void>;
  get(handoffId: number): Promise<Handoff | undefined>;
  openHandoffs(): Promise<Handoff[]>;
  claimedBy(adviserId: string): Promise<Handoff[]>;
  /** What a resident sees when they send a file: we take none. */
  fileRefused(locale: string): Reply;
}

type Verb = 'claim' | 'release' | 'return' | 'close';
const EVENT_OF: Record<Verb, HandoffEvent> = {
  claim: { type: 'claimed', payload: {} },
  release: { type: 'released', payload: {} },
  return: { type: 'returned', payload: {} },
  close: { type: 'closed', payload: {} },
};

export function createAdviserSide(ctx: HandoffContext): AdviserSide {
  const { db, text } = ctx;

  /** One adviser action: state, audit, event and the resident's line commit together. */
  async function act(
    handoffId: number,
    adviser: Adviser,
    verb: Verb,
    seen: number | undefined,
    tell: (h: Handoff, tx: Queryable) => Reply[] | Promise<Reply[]>,
  ): Promise<AdviserActResult> {
    const at = ctx.now();
    const result = await db.transaction(async (tx): Promise<AdviserActResult> => {
      const before = await getHandoff(tx, handoffId);
      if (!before) return { ok: false, code: 'not_found' };
      // The conversation first, as a turn does, so a turn and an adviser never deadlock.
      await lockConversation(tx, before.conversationId);
      // Every state change locks the conversation too: the version read here is the current one.
      if (seen !== undefined && (await handoffVersion(tx, before)) !== seen) return { ok: false, code: 'stale', handoff: before };
      const r = await applyHandoffAction(tx, handoffId, { type: verb, adviserId: adviser.id }, at, adviser.name);
      if (!r.ok) return r;
      const h = r.handoff;
      if (verb === 'return' || verb === 'close') await setOwner(tx, h.conversationId, 'bot', { ended: verb === 'close' });
      await recordAudit(tx, { conversationId: h.conversationId, handoffId: h.id, adviserId: adviser.id, action: verb, at });
      const event = EVENT_OF[verb];
      await emit(ctx, tx, h.id, `${event.type}:${h.id}:${at.getTime()}:${adviser.id}`, event, at);
      await appendReplies(tx, h.conversationId, await tell(h, tx), MESSAGES_CHANNEL);
      return r;
    });
    if (result.ok && verb === 'claim') timeToClaim.observe({ urgency: result.handoff.urgency }, (at.getTime() - result.handoff.requestedAt.getTime()) / 1000);
    return result;
  }

  async function message(handoffId: number, adviser: Adviser, body: string, tx: Queryable): Promise<AdviserMessageOutcome> {
    const at = ctx.now();
    const found = await getHandoff(tx, handoffId);
    if (!found) return { type: 'not_a_handoff' };
    await lockConversation(tx, found.conversationId);
    const handoff = (await getHandoff(tx, handoffId)) ?? found;
    if (handoff.leftReason) return { type: 'resident_left', handoff };
    if (handoff.status === 'returned' || handoff.status === 'closed') return { type: 'ended', handoff };
    if (handoff.status === 'requested' || handoff.status === 'queued') return { type: 'not_claimed', handoff };
    if (handoff.adviserId !== adviser.id) return { type: 'not_owner', handoff, ownerId: handoff.adviserId ?? '' };
    let current = handoff;
    if (handoff.status === 'claimed') {
      const r = await applyHandoffAction(tx, handoff.id, { type: 'message', adviserId: adviser.id }, at);
      if (r.ok) {
        current = r.handoff;
        await emit(ctx, tx, handoff.id, `adviser_replied:${handoff.id}`, { type: 'adviser_replied', payload: {} }, at);
      }
    }
    await recordAudit(tx, { conversationId: handoff.conversationId, handoffId: handoff.id, adviserId: adviser.id, action: 'message', at });
    const reply: Reply = { type: 'adviser', text: body, ...(handoff.adviserName ? { adviserName: handoff.adviserName } : {}) };
    await appendReplies(tx, handoff.conversationId, [reply], MESSAGES_CHANNEL);
    return { type: 'relayed', handoff: current };
  }

  return {
    claim: (id, adviser, seen) =>
      act(id, adviser, 'claim', seen, (h) => [
        adviser.name ? text.status('claimed', 'claimed', h.locale, { name: adviser.name }) : text.status('claimed', 'claimedNoName', h.locale),
      ]),
    release: (id, adviser, seen) => act(id, adviser, 'release', seen, (h) => [text.status('queued', 'released', h.locale)]),
    // Back with the bot, the resident is asked again what the flow was waiting for.
    returnToBot: (id, adviser, seen) =>
      act(id, adviser, 'return', seen, async (h, tx) => [text.status('returned', 'returned', h.locale), ...((await ctx.pendingQuestion?.(tx, h.conversationId)) ?? [])]),
    close: (id, adviser, seen) => act(id, adviser, 'close', seen, (h) => [text.status('closed', 'closed', h.locale)]),

    async adviserMessage({ handoffId, adviser, text: body }) {
      try {
        return await db.transaction((tx) => message(handoffId, adviser, body, tx));
      } catch (err) {
        // The error itself: the logger's serializer keeps a database error's code and drops the values it quotes.
        ctx.logger.error({ err, handoffId }, 'handoff: adviser message not delivered');
        return { type: 'not_delivered', handoffId };
      }
    },

    async adviserNote(handoffId, adviser) {
      const h = await getHandoff(db, handoffId);
      if (h) await recordAudit(db, { conversationId: h.conversationId, handoffId: h.id, adviserId: adviser.id, action: 'note', at: ctx.now() });
      return h;
    },

    async viewTranscript(handoffId, adviser) {
      const h = await getHandoff(db, handoffId);
      if (!h) return { type: 'not_found' };
      if (h.leftReason || h.erasedAt) return { type: 'resident_left', handoff: h };
      await recordAudit(db, { conversationId: h.conversationId, handoffId: h.id, adviserId: adviser.id, action: 'view', at: ctx.now() });
      return { type: 'shown', handoff: h };
    },

    async markDelivered(handoffId, tx) {
      await applyHandoffAction(tx, handoffId, { type: 'queued' }, ctx.now());
    },

    version: (h) => handoffVersion(db, h),
    get: (id) => getHandoff(db, id),
    openHandoffs: () => listOpenHandoffs(db),
    claimedBy: (adviserId) => listClaimedBy(db, adviserId),
    fileRefused: (locale) => text.line('fileRefused', locale),
  };
}
