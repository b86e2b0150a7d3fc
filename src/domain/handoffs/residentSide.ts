import type { HandoffLeaveReason, HandoffService } from '../../engine/port.ts';
import type { Reply } from '../../engine/reply.ts';
import { setOwner } from '../../store/conversations.ts';
import type { Queryable } from '../../store/db.ts';
import { recordFunnelEvent } from '../../store/funnelEvents.ts';
import { appendHandoffEvent, emptyPersonalPayloads, handoffHasEvents } from '../../store/handoffOutbox.ts';
import { eraseHandoffSummaries, findOpenHandoff, type Handoff, openHandoff, type SummaryEntry } from '../../store/handoffs.ts';
import { applyHandoffAction } from './applyHandoffAction.ts';
import { recordAudit } from './audit.ts';
import { contactExchange, contactQuestion } from './contactExchange.ts';
import { emit, type HandoffContext } from './handoffContext.ts';
import { isOpen, nextOpening } from './officeHours.ts';

export interface ResidentSide extends HandoffService {
  /**
   * "Delete my data" and retention: closes an open handoff as erased, empties the summary of
   * every handoff of the conversation and the personal payloads of their events, and tells
   * the adviser channel to wipe what it shows. Runs in the caller's transaction.
   */
  eraseConversation(conversationId: string, tx: Queryable): Promise<void>;
}

const waiting = (h: Handoff) => h.status === 'requested' || h.status === 'queued';

/** The engine's side of handoffs: every call runs in the turn's transaction. */
export function createResidentSide(ctx: HandoffContext): ResidentSide {
  const { text } = ctx;

  /** Out of hours, an unclaimed handoff tells the resident when someone is in. */
  function outOfHours(h: Handoff, at: Date, locale: string): Reply[] {
    if (!waiting(h) || isOpen(ctx.calendar, h.partner, at)) return [];
    const next = nextOpening(ctx.calendar, h.partner, at);
    return next ? [text.status(h.status, 'outOfHours', locale, { when: text.when(next, locale) })] : [];
  }

  async function leave(tx: Queryable, open: Handoff, reason: HandoffLeaveReason, at: Date): Promise<void> {
    const r = await applyHandoffAction(tx, open.id, { type: 'leave', reason }, at);
    if (!r.ok) return;
    await setOwner(tx, open.conversationId, 'bot');
    await recordAudit(tx, { conversationId: open.conversationId, handoffId: open.id, adviserId: 'resident', action: 'resident_left', at });
    await emit(ctx, tx, open.id, `resident_left:${open.id}`, { type: 'resident_left', payload: { reason } }, at);
  }

  async function eraseConversation(conversationId: string, tx: Queryable): Promise<void> {
    const at = ctx.now();
    const open = await findOpenHandoff(tx, conversationId);
    if (open) await leave(tx, open, 'erased', at);
    const ids = await eraseHandoffSummaries(tx, conversationId, at);
    await emptyPersonalPayloads(tx, ids);
    // Written even when this process has no adviser channel, if one ever showed the handoff (its
    // card is wiped when the channel next runs); the event carries nothing personal.
    for (const id of ids) {
      const event = { type: 'erased' as const, payload: {} };
      if (ctx.channelConnected) await emit(ctx, tx, id, `erased:${id}`, event, at);
      else if (await handoffHasEvents(tx, id)) await appendHandoffEvent(tx, { handoffId: id, key: `erased:${id}`, event, runAt: at });
    }
  }

  return {
    async request(input, tx) {
      const at = ctx.now();
      const { handoff, created } = await openHandoff(tx, {
        conversationId: input.conversationId,
        reason: input.reason,
        urgency: input.urgency,
        locale: input.locale,
        partner: input.partner || 'default',
        summary: Object.entries(input.summary) as SummaryEntry[],
        age: input.age ?? null,
        status: ctx.channelConnected ? 'requested' : 'queued',
        // The resident is asked how they would like to be contacted (contactExchange).
        contactStep: 'method',
        now: at,
      });
      await setOwner(tx, input.conversationId, 'person');
      if (created) {
        // Counted once per handoff (a second "talk to a person" while one is open is not another).
        await recordFunnelEvent(tx, input.conversationId, 'handed_off', at);
        await emit(ctx, tx, handoff.id, `requested:${handoff.id}`, { type: 'requested', payload: {} }, at);
        const escalateAt = new Date(at.getTime() + ctx.escalationMinutes * 60_000);
        await emit(ctx, tx, handoff.id, `escalation_due:${handoff.id}`, { type: 'escalation_due', payload: {} }, escalateAt);
      } else if (input.urgency === 'urgent') {
        // An open handoff became urgent (safeguarding): once per handoff, whoever has it.
        await emit(ctx, tx, handoff.id, `urgent:${handoff.id}`, { type: 'urgent', payload: {} }, at);
      }
      const replies: Reply[] = [];
      if (created) replies.push(text.status(handoff.status, ctx.channelConnected ? 'queued' : 'queuedOffline', input.locale));
      else if (input.urgency !== 'urgent') replies.push(text.status(handoff.status, 'alreadyWaiting', input.locale));
      if (input.urgency === 'urgent') replies.push(text.status(handoff.status, 'urgent', input.locale));
      replies.push(...outOfHours(handoff, at, input.locale));
      if (created) replies.push(contactQuestion(ctx, input.locale));
      return { replies };
    },

    async relayResidentMessage(input, tx) {
      const at = ctx.now();
      const handoff = await findOpenHandoff(tx, input.conversationId);
      if (!handoff) return { replies: [] };
      const relay = () => emit(ctx, tx, handoff.id, `message:${input.conversationId}:${input.seq}`, { type: 'message', payload: { seq: input.seq } }, at);
      // Once an adviser has it, they answer; until then the assistant does, in the handoff's
      // language (a turn may arrive without a locale). Answers to the contact questions are not
      // relayed: what the resident agrees to share reaches the advisers as a call-back request.
      if (!waiting(handoff)) {
        await relay();
        return { replies: [] };
      }
      const { replies, forAdviser } = await contactExchange(ctx, tx, handoff, input);
      if (forAdviser) await relay();
      return { replies };
    },

    async residentLeft({ conversationId, reason }, tx) {
      if (reason === 'erased') return eraseConversation(conversationId, tx);
      const open = await findOpenHandoff(tx, conversationId);
      if (open) await leave(tx, open, reason, ctx.now());
    },

    eraseConversation,
  };
}
