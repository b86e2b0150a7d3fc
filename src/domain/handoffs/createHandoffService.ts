import type { Logger } from 'pino';
import type { Engine, HandoffService, SafeguardingCheck } from '../../engine/port.ts';
import type { Reply } from '../../engine/reply.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { recordAudit } from './audit.ts';
import { parseCallbackRequest } from './callbackRequest.ts';
import { setQueueLengthSource, timeToClaim } from './handoffMetrics.ts';
import { applyHandoffEvent, type ApplyResult, countQueued, findHandoffByCard, findOpenHandoff, getHandoff, type Handoff, openHandoff } from './handoffStore.ts';
import type { HandoffText } from './handoffText.ts';
import { type Calendar, isOpen, nextOpening } from './officeHours.ts';
import { enqueueSlack } from './outbox.ts';

export interface Adviser {
  id: string;
  name?: string;
}

export interface HandoffServiceOptions {
  db: Db;
  /** The engine, once built (it needs this service first). Used for proactive lines to the resident. */
  engine: () => Pick<Engine, 'sendProactive'>;
  text: HandoffText;
  calendar: Calendar;
  /** Unclaimed this long → re-posted with a mention of the duty group. */
  escalationMinutes: number;
  /** Slack configured: cards and relays go to the outbox. Off: the handoffs table is the queue. */
  slackEnabled: boolean;
  /** Adviser thread replies starting with this stay internal (default "note:"). */
  notePrefix: string;
  logger: Logger;
  now?: () => Date;
  /**
   * Checks messages relayed while a person owns the conversation: the engine stops at
   * `owner = 'person'` before its own check, and a resident waiting out of hours must still
   * get the signposting at once (and the handoff becomes urgent).
   */
  safeguarding?: SafeguardingCheck;
}

export type AdviserMessageOutcome =
  | { type: 'relayed'; handoff: Handoff }
  | { type: 'note'; handoff: Handoff }
  | { type: 'not_a_handoff' }
  | { type: 'not_claimed'; handoff: Handoff }
  | { type: 'not_owner'; handoff: Handoff; ownerId: string }
  | { type: 'ended'; handoff: Handoff }
  | { type: 'not_delivered'; handoff: Handoff };

export interface AdviserSide {
  claim(handoffId: number, adviser: Adviser): Promise<ApplyResult>;
  release(handoffId: number, adviser: Adviser): Promise<ApplyResult>;
  returnToBot(handoffId: number, adviser: Adviser): Promise<ApplyResult>;
  close(handoffId: number, adviser: Adviser): Promise<ApplyResult>;
  /** An adviser's reply in a card's thread. */
  adviserMessage(input: { channel: string; threadTs: string; adviser: Adviser; text: string }): Promise<AdviserMessageOutcome>;
  /** Records that an adviser looked at a conversation's transcript. */
  recordView(handoffId: number, adviser: Adviser): Promise<Handoff | undefined>;
  /** What a resident sees when they send a file: we take none. */
  fileRefused(locale: string): Reply;
}

/** The engine's summary carries the flow's answers; `age_band` decides the youth helplines. */
function ageBandOf(summary: Record<string, unknown>): string | undefined {
  const answers = (summary.answers && typeof summary.answers === 'object' ? summary.answers : summary) as Record<string, unknown>;
  // Flows ask an exact age (`age`) or a band (`age_band`).
  if (typeof answers.age_band === 'string') return answers.age_band;
  return typeof answers.age === 'number' ? String(answers.age) : undefined;
}

function partnerOf(summary: Record<string, unknown>): string {
  return typeof summary.partner === 'string' && summary.partner ? summary.partner : 'default';
}

/**
 * The adviser handoff: the engine's HandoffService plus the adviser actions the Slack app
 * calls. State changes, audit rows and the Slack posts they cause commit together; the
 * resident's status line goes out after commit through the engine.
 */
export function createHandoffService(o: HandoffServiceOptions): HandoffService & AdviserSide {
  const now = o.now ?? (() => new Date());
  setQueueLengthSource(() => countQueued(o.db));

  async function tell(conversationId: string, replies: Reply[]): Promise<boolean> {
    try {
      await o.engine().sendProactive(conversationId, replies);
      return true;
    } catch (err) {
      o.logger.error({ err, conversationId }, 'handoff: proactive message not delivered');
      return false;
    }
  }

  async function cardChanged(tx: Queryable, h: Handoff, at: Date): Promise<void> {
    if (o.slackEnabled) await enqueueSlack(tx, { handoffId: h.id, kind: 'update', key: `update:${h.id}:${at.getTime()}:${h.status}`, runAt: at });
  }

  async function adviserEvent(
    handoffId: number,
    adviser: Adviser,
    type: 'claim' | 'release' | 'return' | 'close',
    after: (h: Handoff) => Reply[],
  ): Promise<ApplyResult> {
    const at = now();
    const result = await o.db.transaction(async (tx) => {
      const r = await applyHandoffEvent(tx, handoffId, { type, adviserId: adviser.id }, at, adviser.name);
      if (!r.ok) return r;
      const h = r.handoff;
      if (type === 'return' || type === 'close') {
        await tx.query(`UPDATE conversations SET owner = 'bot'${type === 'close' ? `, status = 'ended'` : ''} WHERE id = $1`, [h.conversationId]);
      }
      await recordAudit(tx, { conversationId: h.conversationId, handoffId: h.id, adviserId: adviser.id, action: type, at });
      await cardChanged(tx, h, at);
      return r;
    });
    if (result.ok) {
      if (type === 'claim') timeToClaim.observe({ urgency: result.handoff.urgency }, (at.getTime() - result.handoff.requestedAt.getTime()) / 1000);
      await tell(result.handoff.conversationId, after(result.handoff));
    }
    return result;
  }

  const service: HandoffService & AdviserSide = {
    async request(input, tx) {
      const at = now();
      const partner = partnerOf(input.summary);
      const { handoff, created } = await openHandoff(tx, {
        conversationId: input.conversationId,
        reason: input.reason,
        urgency: input.urgency,
        locale: input.locale,
        partner,
        summary: input.summary,
        status: o.slackEnabled ? 'requested' : 'queued',
        now: at,
      });
      await tx.query(`UPDATE conversations SET owner = 'person' WHERE id = $1`, [input.conversationId]);
      if (o.slackEnabled) {
        if (created) {
          await enqueueSlack(tx, { handoffId: handoff.id, kind: 'card', key: `card:${handoff.id}`, runAt: at });
          const escalateAt = new Date(at.getTime() + o.escalationMinutes * 60_000);
          await enqueueSlack(tx, { handoffId: handoff.id, kind: 'escalate', key: `escalate:${handoff.id}`, runAt: escalateAt });
        } else if (input.urgency === 'urgent') {
          // An open handoff became urgent: the card shows it and the safeguarding group is told.
          await cardChanged(tx, handoff, at);
          await enqueueSlack(tx, { handoffId: handoff.id, kind: 'notice', key: `urgent:${handoff.id}`, payload: { notice: 'urgent' }, runAt: at });
        }
      }
      const status = handoff.status;
      const replies: Reply[] = [];
      if (!created) replies.push(o.text.status(status, 'alreadyWaiting', input.locale));
      else replies.push(o.text.status(status, o.slackEnabled ? 'queued' : 'slackOff', input.locale));
      if (input.urgency === 'urgent') replies.push(o.text.status(status, 'urgent', input.locale));
      if (!isOpen(o.calendar, partner, at)) {
        const next = nextOpening(o.calendar, partner, at);
        if (next) replies.push(o.text.status(status, 'outOfHours', input.locale, { when: o.text.when(next, input.locale) }));
        replies.push(o.text.status(status, 'callbackOffer', input.locale));
      }
      return { replies };
    },

    async relayResidentMessage(input) {
      // Answers use the language stored with the handoff: a turn may arrive without a locale.
      const at = now();
      const handoff = await findOpenHandoff(o.db, input.conversationId);
      if (!handoff) return;
      if (o.slackEnabled) {
        await enqueueSlack(o.db, { handoffId: handoff.id, kind: 'relay', key: `relay:${input.conversationId}:${input.seq}`, payload: { seq: input.seq }, runAt: at });
      }
      if (input.text && o.safeguarding) {
        const s = o.safeguarding.check(input.text, handoff.locale, { ageBand: ageBandOf(handoff.summary) });
        if (s.matched) {
          await o.db.transaction((tx) =>
            service.request({ conversationId: input.conversationId, reason: 'safeguarding', urgency: 'urgent', locale: handoff.locale, summary: handoff.summary }, tx),
          );
          await tell(input.conversationId, [...s.replies, o.text.status(handoff.status, 'urgent', handoff.locale)]);
          return;
        }
      }
      // Out of hours and still unclaimed, a phone number in the message is a call-back request.
      if (input.text && (handoff.status === 'requested' || handoff.status === 'queued') && !isOpen(o.calendar, handoff.partner, at)) {
        const cb = parseCallbackRequest(input.text);
        switch (cb.type) {
          case 'none':
            return;
          case 'invalid':
            await tell(input.conversationId, [o.text.line('callbackInvalid', handoff.locale)]);
            return;
          case 'valid': {
            await o.db.transaction(async (tx) => {
              await recordAudit(tx, { conversationId: input.conversationId, handoffId: handoff.id, adviserId: 'resident', action: 'callback', at });
              if (o.slackEnabled) {
                await enqueueSlack(tx, {
                  handoffId: handoff.id,
                  kind: 'notice',
                  key: `callback:${input.conversationId}:${input.seq}`,
                  payload: { notice: 'callback', phone: cb.phone, preferredTime: cb.preferredTime },
                  runAt: at,
                });
              }
            });
            await tell(input.conversationId, [o.text.line('callbackSaved', handoff.locale, { phone: cb.phone })]);
            return;
          }
          default: {
            const never: never = cb;
            return never;
          }
        }
      }
    },

    claim: (id, adviser) =>
      adviserEvent(id, adviser, 'claim', (h) => [
        adviser.name
          ? o.text.status('claimed', 'claimed', h.locale, { name: adviser.name })
          : o.text.status('claimed', 'claimedNoName', h.locale),
      ]),
    release: (id, adviser) => adviserEvent(id, adviser, 'release', (h) => [o.text.status('queued', 'released', h.locale)]),
    returnToBot: (id, adviser) => adviserEvent(id, adviser, 'return', (h) => [o.text.status('returned', 'returned', h.locale)]),
    close: (id, adviser) => adviserEvent(id, adviser, 'close', (h) => [o.text.status('closed', 'closed', h.locale)]),

    async adviserMessage({ channel, threadTs, adviser, text }) {
      const at = now();
      const handoff = await findHandoffByCard(o.db, channel, threadTs);
      if (!handoff) return { type: 'not_a_handoff' };
      if (text.trimStart().toLowerCase().startsWith(o.notePrefix.toLowerCase())) {
        await recordAudit(o.db, { conversationId: handoff.conversationId, handoffId: handoff.id, adviserId: adviser.id, action: 'note', at });
        return { type: 'note', handoff };
      }
      if (handoff.status === 'returned' || handoff.status === 'closed') return { type: 'ended', handoff };
      if (handoff.status === 'requested' || handoff.status === 'queued') return { type: 'not_claimed', handoff };
      if (handoff.adviserId !== adviser.id) return { type: 'not_owner', handoff, ownerId: handoff.adviserId ?? '' };
      const current = await o.db.transaction(async (tx) => {
        if (handoff.status === 'claimed') {
          const r = await applyHandoffEvent(tx, handoff.id, { type: 'message', adviserId: adviser.id }, at);
          if (r.ok) await cardChanged(tx, r.handoff, at);
        }
        await recordAudit(tx, { conversationId: handoff.conversationId, handoffId: handoff.id, adviserId: adviser.id, action: 'message', at });
        return (await getHandoff(tx, handoff.id)) ?? handoff;
      });
      const reply: Reply = { type: 'adviser', text, ...(handoff.adviserName ? { adviserName: handoff.adviserName } : {}) };
      const ok = await tell(handoff.conversationId, [reply]);
      return ok ? { type: 'relayed', handoff: current } : { type: 'not_delivered', handoff: current };
    },

    async recordView(id, adviser) {
      const h = await getHandoff(o.db, id);
      if (h) await recordAudit(o.db, { conversationId: h.conversationId, handoffId: h.id, adviserId: adviser.id, action: 'view', at: now() });
      return h;
    },

    fileRefused: (locale) => o.text.line('fileRefused', locale),
  };
  return service;
}
