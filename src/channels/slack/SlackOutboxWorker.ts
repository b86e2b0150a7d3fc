import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AdviserSide } from '../../domain/handoffs/adviserSide.ts';
import type { HandoffEventType } from '../../domain/handoffs/handoffEvents.ts';
import { serializeError } from '../../log.ts';
import { lastSeqOf } from '../../store/conversations.ts';
import type { Db } from '../../store/db.ts';
import {
  appendHandoffEvent,
  finishHandoffEvent,
  HANDOFF_OUTBOX_CHANNEL,
  listInterruptedHandoffEvents,
  type OutboxItem,
  type OutboxOutcome,
  pruneHandoffOutbox,
  takeNextHandoffEvent,
} from '../../store/handoffOutbox.ts';
import { getHandoff, type Handoff, listWaitingHandoffIds } from '../../store/handoffs.ts';
import { listMessages, type MessageRow } from '../../store/messages.ts';
import { findSlackCard, forgetSlackPost, listSlackPosts, recordSlackPost, saveSlackCard, type SlackCard, withoutSlackCard } from '../../store/slackCards.ts';
import { pruneSlackEventsSeen } from '../../store/slackEventsSeen.ts';
import { cardText, goneCard, handoffCard } from './handoffCard.ts';
import { escapeSlackText } from './escapeSlackText.ts';
import { escapeMrkdwn, oneLine, plainText } from './residentText.ts';

export interface SlackOutboxOptions {
  db: Db;
  client: webApi.WebClient;
  channel: string;
  /** Told when a card reached the advisers. */
  handoffs: Pick<AdviserSide, 'markDelivered' | 'version'>;
  notePrefix: string;
  escalationMinutes: number;
  dutyGroupId?: string;
  safeguardingGroupId?: string;
  logger: Logger;
  now?: () => Date;
  /** How often due escalations and interrupted posts are looked for (ms). */
  pollMs?: number;
}

/** The newest messages of a conversation, oldest first (the card shows the last ten). */
async function lastMessages(db: Db, conversationId: string): Promise<MessageRow[]> {
  const last = await lastSeqOf(db, conversationId);
  return listMessages(db, conversationId, Math.max(0, last - 20), 20);
}

/** Marks our posts so one interrupted by a crash can be found in Slack instead of sent twice. */
const METADATA_TYPE = 'anchorline_outbox';

/** Events that post a new Slack message: after an ambiguous failure they are looked up, never re-sent blindly. */
const POSTS: ReadonlySet<HandoffEventType> = new Set(['requested', 'urgent', 'callback', 'message', 'escalation_due']);

/** The idempotency key sent as message metadata: one card per handoff. */
const postKey = (item: OutboxItem) => (item.event.type === 'requested' ? `card:${item.handoffId}` : item.key);

type Outcome = OutboxOutcome | { status: 'unknown'; error: string };

/** Errors after which Slack may or may not have acted: never re-send blindly. */
function isAmbiguous(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === webApi.ErrorCode.RequestError || code === webApi.ErrorCode.HTTPError;
}

const waiting = (h: Handoff) => h.status === 'requested' || h.status === 'queued';

/**
 * The Slack side of handoff events: cards, updates in place, thread relays, escalations and
 * notices, in order per handoff. The client never retries on its own; a post whose outcome is
 * unknown stays 'sending' and is looked up in Slack by its idempotency key before any re-send.
 */
export class SlackOutboxWorker {
  readonly #o: SlackOutboxOptions;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #draining: Promise<number> | undefined;
  #again = false;
  #prunedAt = 0;

  constructor(o: SlackOutboxOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    const backfilled = await this.backfill();
    if (backfilled > 0) this.#o.logger.info({ backfilled }, 'slack outbox: cards queued for handoffs raised while Slack was off');
    this.#unlisten = await this.#o.db.listen(HANDOFF_OUTBOX_CHANNEL, () => void this.kick());
    this.#timer = setInterval(() => void this.kick(), this.#o.pollMs ?? 10_000);
    this.#timer.unref();
    void this.kick();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#unlisten?.().catch(() => undefined);
    await this.#draining?.catch(() => undefined);
  }

  /**
   * Waiting handoffs with no card (raised while Slack was off, or before it was configured)
   * get their request and escalation events; the keys make it idempotent.
   */
  async backfill(): Promise<number> {
    const { db } = this.#o;
    const now = this.#now();
    const escalateAt = new Date(now.getTime() + this.#o.escalationMinutes * 60_000);
    const ids = await withoutSlackCard(db, await listWaitingHandoffIds(db));
    let n = 0;
    for (const id of ids) {
      if (await appendHandoffEvent(db, { handoffId: id, key: `requested:${id}`, event: { type: 'requested', payload: {} }, runAt: now })) n++;
      await appendHandoffEvent(db, { handoffId: id, key: `escalation_due:${id}`, event: { type: 'escalation_due', payload: {} }, runAt: escalateAt });
    }
    return n;
  }

  /** Drains now (coalesced: a kick during a drain runs one more pass). */
  kick(): Promise<number> {
    if (this.#draining) {
      this.#again = true;
      return this.#draining;
    }
    this.#draining = (async () => {
      let total = 0;
      do {
        this.#again = false;
        total += await this.recover().catch((err) => (this.#o.logger.error({ err }, 'slack outbox: recovery failed'), 0));
        await this.prune().catch((err) => this.#o.logger.error({ err }, 'slack outbox: prune failed'));
        total += await this.drain();
      } while (this.#again);
      return total;
    })().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  /** Handles every due event; returns how many were handled. */
  async drain(): Promise<number> {
    let n = 0;
    for (;;) {
      const item = await takeNextHandoffEvent(this.#o.db, this.#now());
      if (!item) return n;
      n++;
      let outcome: Outcome;
      try {
        outcome = await this.#send(item);
      } catch (err) {
        outcome = this.#classify(err, item);
      }
      if (outcome.status === 'unknown') {
        this.#o.logger.warn({ id: item.id, type: item.event.type, error: outcome.error }, 'slack outbox: outcome unknown; will check Slack before any re-send');
        continue;
      }
      if (outcome.status === 'failed') this.#o.logger.error({ id: item.id, type: item.event.type, error: outcome.error }, 'slack outbox: post failed');
      await finishHandoffEvent(this.#o.db, item.id, outcome);
    }
  }

  /**
   * At most hourly: forgets Slack event ids after a day (Slack retries within minutes) and
   * delivered events after 30 days (the audit table is the lasting record).
   */
  async prune(): Promise<void> {
    const now = this.#now().getTime();
    if (now - this.#prunedAt < 3_600_000) return;
    this.#prunedAt = now;
    await pruneSlackEventsSeen(this.#o.db, new Date(now - 86_400_000));
    await pruneHandoffOutbox(this.#o.db, new Date(now - 30 * 86_400_000));
  }

  /** Events left 'sending' (crash or unknown outcome) for a minute: found in Slack → sent; not found → pending again. */
  async recover(): Promise<number> {
    const { db } = this.#o;
    const stale = await listInterruptedHandoffEvents(db, new Date(this.#now().getTime() - 60_000));
    for (const item of stale) {
      const card = await findSlackCard(db, item.handoffId);
      const ts = POSTS.has(item.event.type) ? await this.#findPosted(item, card) : undefined;
      if (!ts) {
        await finishHandoffEvent(db, item.id, { status: 'retry', error: 'interrupted; not found in Slack', runAt: this.#now() });
        continue;
      }
      if (item.event.type === 'requested') await this.#cardPosted(item.handoffId, ts);
      if (item.event.type === 'message' || item.event.type === 'callback') await recordSlackPost(db, item.handoffId, ts);
      await finishHandoffEvent(db, item.id, { status: 'sent', ts });
    }
    return stale.length;
  }

  #classify(err: unknown, item: OutboxItem): Outcome {
    const e = err as { code?: unknown; data?: { error?: string }; retryAfter?: number; message?: string };
    if (e.code === webApi.ErrorCode.RateLimitedError) {
      return { status: 'retry', error: 'rate limited', runAt: new Date(this.#now().getTime() + (e.retryAfter ?? 30) * 1000) };
    }
    if (e.code === webApi.ErrorCode.PlatformError) return { status: 'failed', error: e.data?.error ?? 'platform error' };
    if (isAmbiguous(err)) {
      // chat.update and chat.delete are idempotent: retrying them is safe.
      if (!POSTS.has(item.event.type)) return { status: 'retry', error: String(e.message), runAt: new Date(this.#now().getTime() + 5000) };
      return { status: 'unknown', error: String(e.message) };
    }
    // Kept in the outbox row and logged: a database error's message can quote the values it refused.
    const safe = serializeError(err) as { message?: unknown; code?: unknown };
    return { status: 'failed', error: String(safe.message ?? safe.code ?? 'failed') };
  }

  async #findPosted(item: OutboxItem, card: SlackCard | undefined): Promise<string | undefined> {
    const { client, channel } = this.#o;
    const oldest = String(Math.floor(item.createdAt.getTime() / 1000) - 60);
    const res =
      item.event.type === 'requested' || !card
        ? await client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200 })
        : await client.conversations.replies({ channel: card.channel, ts: card.ts, oldest, include_all_metadata: true, limit: 200 });
    const key = postKey(item);
    const found = res.messages?.find(
      (m) => m.metadata?.event_type === METADATA_TYPE && (m.metadata.event_payload as Record<string, unknown> | undefined)?.key === key,
    );
    return found?.ts;
  }

  async #cardPosted(handoffId: number, ts: string): Promise<void> {
    await this.#o.db.transaction(async (tx) => {
      await saveSlackCard(tx, { handoffId, channel: this.#o.channel, ts });
      await this.#o.handoffs.markDelivered(handoffId, tx);
    });
  }

  async #post(item: OutboxItem, args: { text: string; thread_ts?: string; blocks?: ReturnType<typeof handoffCard>; reply_broadcast?: boolean; mrkdwn?: boolean }): Promise<string | undefined> {
    const { blocks, ...rest } = args;
    // The argument type is a union of text-or-blocks shapes TypeScript cannot narrow from a spread.
    const res = await this.#o.client.chat.postMessage({
      channel: this.#o.channel,
      ...rest,
      ...(blocks ? { blocks } : {}),
      unfurl_links: false,
      unfurl_media: false,
      parse: 'none',
      link_names: false,
      metadata: { event_type: METADATA_TYPE, event_payload: { key: postKey(item) } },
      // oxlint-disable-next-line unicorn/require-post-message-target-origin -- Slack's chat.postMessage, not window.postMessage
    } as webApi.ChatPostMessageArguments);
    return res.ts;
  }

  #cardOptions() {
    return { now: this.#now(), notePrefix: this.#o.notePrefix, ...(this.#o.safeguardingGroupId ? { safeguardingGroupId: this.#o.safeguardingGroupId } : {}) };
  }

  /** Redraws the card in place from the current row (or as deleted, when the row is gone). */
  async #redraw(handoffId: number, h: Handoff | undefined, card: SlackCard | undefined): Promise<Outcome> {
    if (!card) return { status: 'skipped' };
    const opts = this.#cardOptions();
    const gone = !h || h.leftReason !== null || h.erasedAt !== null;
    const blocks = gone
      ? goneCard(h, handoffId, opts)
      : handoffCard(h, await lastMessages(this.#o.db, h.conversationId), { ...opts, version: await this.#o.handoffs.version(h) });
    const text = h ? cardText(h, opts) : `Handoff #${handoffId}: the resident's data has been deleted`;
    await this.#o.client.chat.update({ channel: card.channel, ts: card.ts, text, blocks });
    return { status: 'sent' };
  }

  /** Erasure: deletes every thread post that carried what the resident wrote (already gone counts as done). */
  async #deletePosts(card: SlackCard): Promise<void> {
    for (const ts of await listSlackPosts(this.#o.db, card.handoffId)) {
      try {
        await this.#o.client.chat.delete({ channel: card.channel, ts });
      } catch (err) {
        const e = err as { code?: unknown; data?: { error?: string } };
        if (e.code !== webApi.ErrorCode.PlatformError || e.data?.error !== 'message_not_found') throw err;
      }
      await forgetSlackPost(this.#o.db, card.handoffId, ts);
    }
  }

  async #send(item: OutboxItem): Promise<Outcome> {
    const { db } = this.#o;
    const h = await getHandoff(db, item.handoffId);
    const card = await findSlackCard(db, item.handoffId);
    const { event } = item;
    switch (event.type) {
      case 'requested': {
        if (card) return { status: 'sent', ts: card.ts };
        // Ended before any adviser saw it (the resident left): nothing to show.
        if (!h || h.status === 'returned' || h.status === 'closed') return { status: 'skipped' };
        const opts = this.#cardOptions();
        const blocks = handoffCard(h, await lastMessages(db, h.conversationId), { ...opts, version: await this.#o.handoffs.version(h) });
        const ts = await this.#post(item, { text: cardText(h, opts), blocks });
        if (!ts) return { status: 'failed', error: 'no ts in response' };
        await this.#cardPosted(h.id, ts);
        return { status: 'sent', ts };
      }
      case 'claimed':
      case 'released':
      case 'adviser_replied':
      case 'returned':
      case 'closed':
      case 'resident_left':
        return this.#redraw(item.handoffId, h, card);
      case 'erased': {
        const out = await this.#redraw(item.handoffId, h, card);
        if (card) await this.#deletePosts(card);
        return out;
      }
      case 'urgent': {
        if (!h || !card || h.leftReason) return { status: 'skipped' };
        await this.#redraw(h.id, h, card);
        const who = this.#o.safeguardingGroupId ? `<!subteam^${this.#o.safeguardingGroupId}> ` : '';
        const ts = await this.#post(item, { thread_ts: card.ts, reply_broadcast: true, text: `${who}:red_circle: This handoff is now URGENT (safeguarding).` });
        return { status: 'sent', ...(ts ? { ts } : {}) };
      }
      case 'callback': {
        // The card shows the preference (redrawn); a number or address the resident agreed to is
        // also posted in the thread, as plain text, so it can be deleted on erasure.
        if (!card) return { status: 'skipped' };
        await this.#redraw(item.handoffId, h, card);
        const { phone, email, preferredTime } = event.payload;
        if (!phone && !email) return { status: 'sent' };
        const line = phone ? `Call-back requested: ${phone}. Preferred time: ${preferredTime || 'not given'}` : `Email requested: ${email}`;
        const ts = await this.#post(item, {
          thread_ts: card.ts,
          text: `${phone ? ':telephone_receiver:' : ':email:'} ${escapeMrkdwn(line)}`,
          blocks: [{ type: 'section', text: plainText(line, 400) }],
        });
        if (ts) await recordSlackPost(db, card.handoffId, ts);
        return { status: 'sent', ...(ts ? { ts } : {}) };
      }
      case 'message': {
        const { seq } = event.payload;
        if (!h || !card || seq === undefined || h.leftReason) return { status: 'skipped' };
        const [m] = await listMessages(db, h.conversationId, seq - 1, 1);
        if (!m || m.seq !== seq || m.direction !== 'in') return { status: 'skipped' };
        const body = m.body.text ?? (m.body.value === undefined ? '' : '[pressed a button]');
        // Blocks: our label, their words as plain text on one line (a newline cannot forge a line).
        const ts = await this.#post(item, {
          thread_ts: card.ts,
          text: `Resident: ${escapeSlackText(oneLine(body))}`,
          mrkdwn: false,
          blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: '*Resident:*' }, plainText(body, 500)] }],
        });
        if (ts) await recordSlackPost(db, card.handoffId, ts);
        return { status: 'sent', ...(ts ? { ts } : {}) };
      }
      case 'escalation_due': {
        if (!h || !card || !waiting(h)) return { status: 'skipped' };
        const who = this.#o.dutyGroupId ? `<!subteam^${this.#o.dutyGroupId}> ` : '';
        const ts = await this.#post(item, {
          thread_ts: card.ts,
          reply_broadcast: true,
          text: `${who}:rotating_light: Still waiting for an adviser after ${this.#o.escalationMinutes} minutes${h.urgency === 'urgent' ? ' (URGENT)' : ''}. Please claim the card above.`,
        });
        return { status: 'sent', ...(ts ? { ts } : {}) };
      }
      default: {
        const never: never = event;
        return { status: 'failed', error: `unknown event ${JSON.stringify(never)}` };
      }
    }
  }
}
