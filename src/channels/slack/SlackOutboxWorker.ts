import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { applyHandoffEvent, getHandoff, type Handoff, setCard } from '../../domain/handoffs/handoffStore.ts';
import { backfillCards, finishSlackPost, listInterruptedSlackPosts, OUTBOX_CHANNEL, type OutboxItem, takeNextSlackPost } from '../../domain/handoffs/outbox.ts';
import type { Db } from '../../store/db.ts';
import { listMessages, type MessageRow } from '../../store/messages.ts';
import { escapeSlackText } from './escapeSlackText.ts';
import { cardText, handoffCard } from './handoffCard.ts';

export interface SlackOutboxOptions {
  db: Db;
  client: webApi.WebClient;
  channel: string;
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
  const { rows } = await db.query<{ last_seq: number }>(`SELECT last_seq FROM conversations WHERE id = $1`, [conversationId]);
  const last = Number(rows[0]?.last_seq ?? 0);
  return listMessages(db, conversationId, Math.max(0, last - 20), 20);
}

/** Marks our posts so one interrupted by a crash can be found in Slack instead of sent twice. */
const METADATA_TYPE = 'anchorline_outbox';

type Outcome = Parameters<typeof finishSlackPost>[2] | { status: 'unknown'; error: string };

/** Errors after which Slack may or may not have posted: never re-send blindly. */
function isAmbiguous(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === webApi.ErrorCode.RequestError || code === webApi.ErrorCode.HTTPError;
}

/**
 * Sends the Slack outbox: cards, updates, thread relays, escalations and notices, in
 * order per handoff. The client never retries on its own; a post whose outcome is unknown
 * stays 'sending' and is looked up in Slack by its idempotency key before any re-send.
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
    const now = this.#now();
    const backfilled = await backfillCards(this.#o.db, now, new Date(now.getTime() + this.#o.escalationMinutes * 60_000));
    if (backfilled > 0) this.#o.logger.info({ backfilled }, 'slack outbox: cards queued for handoffs raised while Slack was off');
    this.#unlisten = await this.#o.db.listen(OUTBOX_CHANNEL, () => void this.kick());
    this.#timer = setInterval(() => void this.kick(), this.#o.pollMs ?? 10_000);
    this.#timer.unref();
    void this.kick();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#unlisten?.().catch(() => undefined);
    await this.#draining?.catch(() => undefined);
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

  /** Sends every due post; returns how many were handled. */
  async drain(): Promise<number> {
    let n = 0;
    for (;;) {
      const item = await takeNextSlackPost(this.#o.db, this.#now());
      if (!item) return n;
      n++;
      let outcome: Outcome;
      try {
        outcome = await this.#send(item);
      } catch (err) {
        outcome = this.#classify(err, item);
      }
      if (outcome.status === 'unknown') {
        this.#o.logger.warn({ id: item.id, kind: item.kind, error: outcome.error }, 'slack outbox: outcome unknown; will check Slack before any re-send');
        continue;
      }
      if (outcome.status === 'failed') this.#o.logger.error({ id: item.id, kind: item.kind, error: outcome.error }, 'slack outbox: post failed');
      await finishSlackPost(this.#o.db, item.id, outcome);
    }
  }

  /**
   * At most hourly: forgets Slack event ids after a day (Slack retries within minutes) and
   * finished posts after 30 days (the audit table is the lasting record).
   */
  async prune(): Promise<void> {
    const now = this.#now().getTime();
    if (now - this.#prunedAt < 3_600_000) return;
    this.#prunedAt = now;
    await this.#o.db.query(`DELETE FROM slack_events_seen WHERE received_at < $1`, [new Date(now - 86_400_000)]);
    await this.#o.db.query(`DELETE FROM slack_outbox WHERE status IN ('sent', 'skipped') AND created_at < $1`, [new Date(now - 30 * 86_400_000)]);
  }

  /** Posts left 'sending' (crash or unknown outcome) for a minute: found in Slack → sent; not found → pending again. */
  async recover(): Promise<number> {
    const stale = await listInterruptedSlackPosts(this.#o.db, new Date(this.#now().getTime() - 60_000));
    for (const item of stale) {
      if (item.kind === 'update') {
        await finishSlackPost(this.#o.db, item.id, { status: 'retry', error: 'interrupted', runAt: this.#now() });
        continue;
      }
      const h = await getHandoff(this.#o.db, item.handoffId);
      const ts = h ? await this.#findPosted(item, h) : undefined;
      if (ts) {
        if (item.kind === 'card' && h) await this.#cardPosted(h, ts);
        await finishSlackPost(this.#o.db, item.id, { status: 'sent', ts });
      } else {
        await finishSlackPost(this.#o.db, item.id, { status: 'retry', error: 'interrupted; not found in Slack', runAt: this.#now() });
      }
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
      // chat.update is idempotent: retrying it is safe.
      if (item.kind === 'update') return { status: 'retry', error: String(e.message), runAt: new Date(this.#now().getTime() + 5000) };
      return { status: 'unknown', error: String(e.message) };
    }
    return { status: 'failed', error: String(e.message ?? err) };
  }

  async #findPosted(item: OutboxItem, h: Handoff): Promise<string | undefined> {
    const { client, channel } = this.#o;
    const oldest = String(Math.floor(item.createdAt.getTime() / 1000) - 60);
    const res =
      item.kind === 'card' || !h.slackTs
        ? await client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200 })
        : await client.conversations.replies({ channel, ts: h.slackTs, oldest, include_all_metadata: true, limit: 200 });
    const found = res.messages?.find(
      (m) => m.metadata?.event_type === METADATA_TYPE && (m.metadata.event_payload as Record<string, unknown> | undefined)?.key === item.key,
    );
    return found?.ts;
  }

  async #cardPosted(h: Handoff, ts: string): Promise<void> {
    await this.#o.db.transaction(async (tx) => {
      await setCard(tx, h.id, this.#o.channel, ts);
      await applyHandoffEvent(tx, h.id, { type: 'queued' }, this.#now());
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
      metadata: { event_type: METADATA_TYPE, event_payload: { key: item.key } },
      // oxlint-disable-next-line unicorn/require-post-message-target-origin -- Slack's chat.postMessage, not window.postMessage
    } as webApi.ChatPostMessageArguments);
    return res.ts;
  }

  async #send(item: OutboxItem): Promise<Outcome> {
    const h = await getHandoff(this.#o.db, item.handoffId);
    if (!h) return { status: 'skipped' };
    const now = this.#now();
    const cardOpts = { now, notePrefix: this.#o.notePrefix, ...(this.#o.safeguardingGroupId ? { safeguardingGroupId: this.#o.safeguardingGroupId } : {}) };
    const render = async () => handoffCard(h, await lastMessages(this.#o.db, h.conversationId), cardOpts);
    switch (item.kind) {
      case 'card': {
        if (h.slackTs) return { status: 'sent', ts: h.slackTs };
        const ts = await this.#post(item, { text: cardText(h, cardOpts), blocks: await render() });
        if (!ts) return { status: 'failed', error: 'no ts in response' };
        await this.#cardPosted(h, ts);
        return { status: 'sent', ts };
      }
      case 'update': {
        if (!h.slackTs || !h.slackChannel) return { status: 'skipped' };
        await this.#o.client.chat.update({ channel: h.slackChannel, ts: h.slackTs, text: cardText(h, cardOpts), blocks: await render() });
        return { status: 'sent' };
      }
      case 'relay': {
        if (!h.slackTs) return { status: 'skipped' };
        const seq = Number(item.payload.seq);
        const [m] = await listMessages(this.#o.db, h.conversationId, seq - 1, 1);
        if (!m || m.seq !== seq || m.direction !== 'in') return { status: 'skipped' };
        const body = m.body.text ?? (m.body.value === undefined ? '' : '[pressed a button]');
        const ts = await this.#post(item, { thread_ts: h.slackTs, text: `Resident: ${escapeSlackText(body)}`, mrkdwn: false });
        return { status: 'sent', ...(ts ? { ts } : {}) };
      }
      case 'escalate': {
        if (!h.slackTs || (h.status !== 'requested' && h.status !== 'queued')) return { status: 'skipped' };
        const who = this.#o.dutyGroupId ? `<!subteam^${this.#o.dutyGroupId}> ` : '';
        const ts = await this.#post(item, {
          thread_ts: h.slackTs,
          reply_broadcast: true,
          text: `${who}:rotating_light: Still waiting for an adviser after ${this.#o.escalationMinutes} minutes${h.urgency === 'urgent' ? ' (URGENT)' : ''}. Please claim the card above.`,
        });
        return { status: 'sent', ...(ts ? { ts } : {}) };
      }
      case 'notice': {
        if (!h.slackTs) return { status: 'skipped' };
        const p = item.payload;
        let text: string;
        if (p.notice === 'callback') {
          text = `:telephone_receiver: Call-back request (out of hours): ${escapeSlackText(String(p.phone))}. Preferred time: ${escapeSlackText(String(p.preferredTime || 'not given'))}`;
        } else {
          const who = this.#o.safeguardingGroupId ? `<!subteam^${this.#o.safeguardingGroupId}> ` : '';
          text = `${who}:red_circle: This handoff is now URGENT (safeguarding).`;
        }
        const ts = await this.#post(item, { thread_ts: h.slackTs, reply_broadcast: p.notice !== 'callback', text });
        return { status: 'sent', ...(ts ? { ts } : {}) };
      }
      default: {
        const never: never = item.kind;
        return { status: 'failed', error: `unknown kind ${String(never)}` };
      }
    }
  }
}
