import { App, type Authorize, ExpressReceiver, type types, webApi } from '@slack/bolt';
import express, { type Router } from 'express';
import { slackEnvelope } from './slackEnvelope.ts';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AdviserActResult, AdviserSide } from '../../domain/handoffs/adviserSide.ts';
import type { Db } from '../../store/db.ts';
import type { Handoff } from '../../store/handoffs.ts';
import { listMessages } from '../../store/messages.ts';
import { findHandoffIdByCard } from '../../store/slackCards.ts';
import { markSlackEventSeen } from '../../store/slackEventsSeen.ts';
import { buttonRefusal, claimLost, staleCard, threadReplyNotice } from './adviserReplies.ts';
import { adviserNames } from './adviserNames.ts';
import { boltLogger } from './boltLogger.ts';
import { ACTIONS, contactLabel, parseButtonValue, transcriptLines } from './handoffCard.ts';
import { escapeMrkdwn } from './residentText.ts';
import { SlackOutboxWorker } from './SlackOutboxWorker.ts';
import { slackToPlain } from './slackToPlain.ts';

export interface SlackAppOptions {
  botToken: string;
  /** HTTP mode (POST /slack/events): requests are verified with it. */
  signingSecret?: string;
  /** Socket Mode when set (local use without a public URL). */
  appToken?: string;
  handoffChannel: string;
  /** Web API base URL, e.g. a local stand-in in tests (must end with /api/). */
  apiUrl?: string;
  notePrefix: string;
  escalationMinutes: number;
  dutyGroupId?: string;
  safeguardingGroupId?: string;
  db: Db;
  handoffs: AdviserSide;
  logger: Logger;
  now?: () => Date;
  /** The wall clock request timestamps and button presses are checked against (ms); default Date.now. */
  clockMs?: () => number;
  /** Outbox poll interval (ms). */
  pollMs?: number;
}

export interface SlackChannel {
  /** Mount on the one Express app (the router handles POST /slack/events itself); undefined in Socket Mode. */
  router: Router | undefined;
  app: App;
  worker: SlackOutboxWorker;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): { slack: 'http' | 'socket' };
}

/** A button press older than this (or this far ahead of our clock) is ignored: Slack's own window for requests. */
export const PRESS_WINDOW_MS = 5 * 60_000;

const actionBodySchema = z.object({
  user: z.object({ id: z.string(), username: z.string().optional(), name: z.string().optional() }),
  channel: z.object({ id: z.string() }).optional(),
  // Slack's `action_ts`: when the adviser pressed, seconds since the epoch with a fraction ("1700000000.123456").
  actions: z.array(z.object({ value: z.string().optional(), action_ts: z.string().regex(/^\d{1,12}(\.\d{1,9})?$/).optional() })).min(1),
});

/**
 * Was the press made within the window of now (a replayed or long-delayed press is not)? Slack
 * stamps every action; one without a stamp is judged by its request's signed timestamp alone,
 * which the envelope has already held to the same window.
 */
function pressIsFresh(actionTs: string | undefined, nowMs: number): boolean {
  if (actionTs === undefined) return true;
  return Math.abs(nowMs - Number(actionTs) * 1000) <= PRESS_WINDOW_MS;
}

const threadMessageSchema = z.object({
  type: z.literal('message'),
  subtype: z.string().optional(),
  channel: z.string(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().default(''),
  ts: z.string(),
  thread_ts: z.string().optional(),
  files: z.array(z.unknown()).optional(),
});

/**
 * Caches a successful auth.test and tries again after a failure, so a Slack blip at boot
 * does not break every later request (Bolt's built-in check caches the failure too).
 */
function cachedAuthorize(client: webApi.WebClient, botToken: string): Authorize<boolean> {
  let cached: Promise<{ botId: string; botUserId: string }> | undefined;
  return async () => {
    cached ??= client.auth.test({ token: botToken }).then(
      (r) => ({ botId: String(r.bot_id ?? ''), botUserId: String(r.user_id ?? '') }),
      (err: unknown) => {
        cached = undefined;
        throw err;
      },
    );
    return { botToken, ...(await cached) };
  };
}

function queueBlocks(open: Handoff[], now: Date): types.KnownBlock[] {
  if (open.length === 0) return [{ type: 'section', text: { type: 'mrkdwn', text: 'No open handoffs. :tada:' } }];
  const lines = open.map((h) => {
    const mins = Math.round((now.getTime() - h.requestedAt.getTime()) / 60_000);
    const who = h.adviserId ? `claimed by <@${h.adviserId}>` : 'unclaimed';
    const contact = contactLabel(h);
    const callback = contact === 'phone call' || contact === 'email' ? ` :telephone_receiver: *${contact} requested*` : `, contact: ${contact}`;
    return `${h.urgency === 'urgent' ? ':red_circle: ' : ''}*#${h.id}* ${h.reason.replace('_', ' ')}, ${escapeMrkdwn(h.locale)}, ${h.status} (${who}), waiting ${mins} min${callback}`;
  });
  return [{ type: 'section', text: { type: 'mrkdwn', text: `*Open handoffs (${open.length})*\n${lines.join('\n')}`.slice(0, 2900) } }];
}

function homeView(mine: Handoff[]): types.HomeView {
  const blocks: types.KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Your claimed handoffs' } }];
  if (mine.length === 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'You have no claimed handoffs. Use `/anchorline queue` to see waiting ones.' } });
  for (const h of mine.slice(0, 40)) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `${h.urgency === 'urgent' ? ':red_circle: ' : ''}*#${h.id}* ${h.status}, ${escapeMrkdwn(h.locale)}, claimed <!date^${Math.floor((h.claimedAt ?? h.requestedAt).getTime() / 1000)}^{date_short_pretty} {time}|earlier>` },
    });
  }
  return { type: 'home', blocks };
}

/** The Slack side of handoffs: Bolt app (HTTP or Socket Mode) plus the outbox worker. */
export function createSlackApp(o: SlackAppOptions): SlackChannel {
  const now = o.now ?? (() => new Date());
  const clockMs = o.clockMs ?? Date.now;
  const log = o.logger.child({ module: 'slack' });
  const clientOptions: webApi.WebClientOptions = {
    ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}),
    // Never re-send on our behalf: the outbox decides (see SlackOutboxWorker).
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
  const client = new webApi.WebClient(o.botToken, clientOptions);
  const authorize = cachedAuthorize(client, o.botToken);
  const names = adviserNames(client, log);
  const logger = boltLogger(log);
  let receiver: ExpressReceiver | undefined;
  let app: App;
  if (o.appToken) {
    app = new App({ appToken: o.appToken, socketMode: true, authorize, clientOptions, logger });
  } else {
    if (!o.signingSecret) throw Object.assign(new Error('SLACK_SIGNING_SECRET is needed unless SLACK_APP_TOKEN is set'), { code: 'slack_config' });
    receiver = new ExpressReceiver({ signingSecret: o.signingSecret, endpoints: '/slack/events', processBeforeResponse: false, logger });
    app = new App({ receiver, authorize, clientOptions, logger });
  }

  const worker = new SlackOutboxWorker({
    db: o.db,
    client,
    channel: o.handoffChannel,
    handoffs: o.handoffs,
    notePrefix: o.notePrefix,
    escalationMinutes: o.escalationMinutes,
    ...(o.dutyGroupId ? { dutyGroupId: o.dutyGroupId } : {}),
    ...(o.safeguardingGroupId ? { safeguardingGroupId: o.safeguardingGroupId } : {}),
    logger: log,
    now,
    ...(o.pollMs ? { pollMs: o.pollMs } : {}),
  });

  const ephemeral = async (channel: string | undefined, user: string, text: string, threadTs?: string) => {
    if (!channel) return;
    await client.chat
      .postEphemeral({ channel, user, text, ...(threadTs ? { thread_ts: threadTs } : {}) })
      .catch((err: unknown) => log.warn({ err }, 'slack: ephemeral not sent'));
  };

  // A retried event (X-Slack-Retry-Num, or the same event_id again) is acknowledged and dropped.
  app.use(async ({ body, next, context }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      if (!(await markSlackEventSeen(o.db, eventId))) {
        log.info({ eventId, retryNum: context.retryNum }, 'slack: repeated event ignored');
        return;
      }
    }
    await next();
  });

  /** The press as a handoff id and the card's state version; undefined (logged, ignored) when it must not act. */
  const readPress = (actionId: string, body: unknown) => {
    const parsed = actionBodySchema.safeParse(body);
    if (!parsed.success) return void log.warn({ actionId }, 'slack: unexpected action payload');
    const action = parsed.data.actions[0]!;
    // A captured press replayed later, or one Slack delivers long after it was made, does nothing.
    if (!pressIsFresh(action.action_ts, clockMs())) return void log.warn({ actionId }, 'slack: stale button press ignored');
    const value = parseButtonValue(action.value);
    if (!value) return void log.warn({ actionId }, 'slack: action without a handoff id');
    return { body: parsed.data, ...value };
  };

  type Run = (id: number, adviser: { id: string; name?: string }, seen: number | undefined) => Promise<AdviserActResult>;
  const button = (actionId: string, verb: string, run: Run) => {
    app.action(actionId, async ({ ack, body }) => {
      await ack();
      const press = readPress(actionId, body);
      if (!press) return;
      const b = press.body;
      // The payload's user name is the Slack handle: residents are told the display name (claim only).
      const name = actionId === ACTIONS.claim ? await names.of(b.user.id) : undefined;
      const adviser = { id: b.user.id, ...(name ? { name } : {}) };
      const r = await run(press.handoffId, adviser, press.version);
      if (r.ok) return;
      if (r.code === 'stale') {
        log.info({ actionId, handoffId: press.handoffId }, 'slack: press on an out-of-date card ignored');
        // A second press of Claim by the adviser who has it (a double click) needs no notice.
        if (actionId === ACTIONS.claim && (await o.handoffs.get(press.handoffId))?.adviserId === adviser.id) return;
        await ephemeral(b.channel?.id, adviser.id, staleCard(verb, press.handoffId));
        return;
      }
      let text = buttonRefusal(r, adviser.id, verb);
      if (actionId === ACTIONS.claim && r.code === 'not_allowed') {
        const current = await o.handoffs.get(press.handoffId);
        text = current && (current.status === 'claimed' || current.status === 'active') ? claimLost(current.adviserId, adviser.id) : text;
      }
      if (text) await ephemeral(b.channel?.id, adviser.id, text);
    });
  };
  button(ACTIONS.claim, 'claim', (id, a, seen) => o.handoffs.claim(id, a, seen));
  button(ACTIONS.release, 'release', (id, a, seen) => o.handoffs.release(id, a, seen));
  button(ACTIONS.return, 'return', (id, a, seen) => o.handoffs.returnToBot(id, a, seen));
  button(ACTIONS.close, 'close', (id, a, seen) => o.handoffs.close(id, a, seen));

  app.action(ACTIONS.view, async ({ ack, body }) => {
    await ack();
    const press = readPress(ACTIONS.view, body);
    if (!press) return;
    const { body: b, handoffId } = press;
    const view = await o.handoffs.viewTranscript(handoffId, { id: b.user.id });
    if (view.type === 'not_found') return;
    if (view.type === 'resident_left') {
      await ephemeral(b.channel?.id, b.user.id, `The resident left handoff #${view.handoff.id}: its transcript is no longer shown.`);
      return;
    }
    const h = view.handoff;
    const messages = await listMessages(o.db, h.conversationId, 0, 500);
    await ephemeral(b.channel?.id, b.user.id, `Transcript of handoff #${h.id} (newest last):\n${transcriptLines(messages, 3800)}`);
  });

  app.event('message', async ({ event }) => {
    const parsed = threadMessageSchema.safeParse(event);
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.channel !== o.handoffChannel || !m.thread_ts || m.thread_ts === m.ts || !m.user || m.bot_id) return;
    if (m.subtype && m.subtype !== 'file_share') return;
    if (m.subtype === 'file_share' || (m.files && m.files.length > 0)) {
      await ephemeral(m.channel, m.user, 'Files are not sent to residents. Please type your message.', m.thread_ts);
      if (!m.text.trim()) return;
    }
    const text = slackToPlain(m.text).trim();
    if (!text) return;
    const handoffId = await findHandoffIdByCard(o.db, m.channel, m.thread_ts);
    if (handoffId === undefined) return;
    if (text.toLowerCase().startsWith(o.notePrefix.toLowerCase())) {
      await o.handoffs.adviserNote(handoffId, { id: m.user });
      return;
    }
    const outcome = await o.handoffs.adviserMessage({ handoffId, adviser: { id: m.user }, text });
    const notice = threadReplyNotice(outcome, o.notePrefix);
    if (notice) await ephemeral(m.channel, m.user, notice, m.thread_ts);
  });

  app.command('/anchorline', async ({ ack, command, respond }) => {
    await ack();
    const sub = command.text.trim().split(/\s+/)[0]?.toLowerCase() || 'queue';
    if (sub !== 'queue') {
      await respond({ response_type: 'ephemeral', text: 'Try `/anchorline queue` to list open handoffs.' });
      return;
    }
    const open = await o.handoffs.openHandoffs();
    await respond({ response_type: 'ephemeral', text: `Open handoffs: ${open.length}`, blocks: queueBlocks(open, now()) });
  });

  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    const mine = await o.handoffs.claimedBy(event.user);
    await client.views.publish({ user_id: event.user, view: homeView(mine) });
  });

  app.error(async (err) => {
    // Bolt wraps what a listener threw (`original`); the logger's serializer drops a database error's values.
    log.error({ err: (err as { original?: unknown }).original ?? err, code: err.code }, 'slack: handler failed');
  });

  let router: Router | undefined;
  if (receiver) {
    router = express.Router();
    router.use(slackEnvelope('/slack/events', clockMs), receiver.router);
  }
  return {
    router,
    app,
    worker,
    async start() {
      await worker.start();
      if (o.appToken) await app.start();
    },
    async stop() {
      await worker.stop();
      if (o.appToken) await app.stop();
    },
    status: () => ({ slack: o.appToken ? 'socket' : 'http' }),
  };
}
