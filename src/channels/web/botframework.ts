/**
 * Bot Framework channels (Teams, Emulator, Azure Web Chat, …) through botbuilder's CloudAdapter
 * at POST /api/messages (issue 4). botbuilder is imported in this folder and nowhere else: upstream
 * has archived the SDK, and moving to its successor must touch this folder only. The SDK itself
 * (botframeworkAdapter.ts, ~50 modules) is loaded at the first request or proactive delivery, not
 * at start: most deployments serve residents through Direct Line only.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import express from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { errorHandler } from '../../http/errorHandler.ts';
import { readBody } from '../../http/readBody.ts';
import { MESSAGES_CHANNEL, parseMessagesNotice, type Engine } from '../../engine/port.ts';
import type { Reply } from '../../engine/reply.ts';
import { turnSchema, type Turn } from '../../engine/turn.ts';
import type { Db } from '../../store/db.ts';
import { claimUndelivered, releaseClaims } from '../../store/botframeworkOutbox.ts';
import { loadAddress, saveAddress } from '../../store/conversations.ts';
import { inboundActivitySchema, MAX_TEXT_LENGTH, residentInput } from './inboundActivity.ts';
import { renderReply } from './renderReply.ts';
import { START_TURN } from './startTurn.ts';
import { createRateLimiter, DEFAULT_CONVERSATION_RATE, type MessageRate } from './directline/rateLimiter.ts';
import type { BotFrameworkSdk } from './botframeworkAdapter.ts';
import { defaultServiceUrlHosts, directFromThisMachine, serviceUrlAllowed } from './serviceUrls.ts';

export interface BotFrameworkOptions {
  engine: Engine;
  db: Db;
  logger: Logger;
  appId?: string | undefined;
  appPassword?: string | undefined;
  appTenantId?: string | undefined;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  nodeEnv: 'development' | 'test' | 'production';
  /** Largest request body (BODY_LIMIT; default 64kb). In the app the edge has applied it already. */
  bodyLimit?: string;
  /**
   * How long a process waits after a NOTIFY before delivering proactively, so the process that
   * is answering the turn in-line gets to claim its own replies first (default 1000 ms).
   */
  proactiveGraceMs?: number;
  /**
   * Hosts replies may go to (BOTFRAMEWORK_SERVICE_URLS): names, or `*.domain`. Default: the Bot
   * Framework's hosts in production, this machine otherwise. Another serviceUrl is refused (403).
   */
  serviceUrlHosts?: readonly string[] | undefined;
  /** Activities one conversation may post (default 60 a minute, bursts of 20), as Direct Line. */
  conversationRate?: MessageRate;
  /** Milliseconds now, for the message limit (tests stop time with it; default Date.now). */
  clock?: () => number;
}

export interface BotFrameworkChannel {
  /** Mount at the root: it serves POST /api/messages. */
  router: express.Router;
  /** Sends any stored, undelivered outbound messages of a Bot Framework conversation. */
  deliverPending(conversationId: string): Promise<number>;
  close(): Promise<void>;
}

export class BotFrameworkConfigError extends Error {
  readonly code = 'botframework_credentials_missing';
}

/** Prefix that marks engine conversations owned by this channel. */
const PREFIX = 'bf:';

/** The engine's conversation id for a Bot Framework conversation (Turn ids are at most 200 characters). */
export function botFrameworkConversationId(channelId: string, conversationId: string): string {
  const id = `${PREFIX}${channelId}:${conversationId}`;
  return id.length <= 200 ? id : `${PREFIX}${channelId.slice(0, 40)}:${createHash('sha256').update(conversationId).digest('hex')}`;
}

const clip = (s: string, n = 200) => (s.length <= n ? s : s.slice(0, n));

/** An engine Reply as a botbuilder activity. `from` is set by botbuilder from the conversation reference. */
function toActivity(reply: Reply): Partial<Activity> {
  const { from: _from, suggestedActions, ...rest } = renderReply(reply);
  const activity: Partial<Activity> = { ...rest, ...(suggestedActions ? { suggestedActions: { to: [], actions: suggestedActions.actions } } : {}) };
  // Channels show every message as from the bot, so an adviser's message names the adviser.
  if (reply.type === 'adviser') activity.text = `${reply.adviserName ?? 'Adviser'}: ${reply.text}`;
  return activity;
}

/** What CloudAdapter needs of a body before it can run a turn without failing. */
const activityEnvelopeSchema = z
  .object({
    type: z.string().min(1),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    // botframework-connector sends the conversation id back as an HTTP header (x-ms-conversation-id);
    // Node refuses any other character there, and the reply would fail as a 500.
    conversation: z
      .object({ id: z.string().regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'characters an HTTP header can carry').optional() })
      .loose()
      .optional(),
  })
  .loose();

export async function createBotFrameworkChannel(opts: BotFrameworkOptions): Promise<BotFrameworkChannel> {
  const { engine, db, logger } = opts;
  if (!opts.appId && opts.nodeEnv === 'production') {
    throw new BotFrameworkConfigError('MicrosoftAppId and MicrosoftAppPassword are required in production');
  }
  let sdk: Promise<BotFrameworkSdk> | undefined;
  /** botbuilder's adapter, made on first use (a failed load is tried again next time). */
  const loadSdk = (): Promise<BotFrameworkSdk> =>
    (sdk ??= import('./botframeworkAdapter.ts')
      .then((m) => m.createBotFrameworkSdk(opts, logger))
      .catch((err: unknown) => {
        sdk = undefined;
        throw err;
      }));
  // With an app id this is a real Bot Framework deployment: its SDK loads now, so a configuration
  // botbuilder refuses stops start-up, as it did before the SDK was loaded lazily.
  if (opts.appId) await loadSdk();

  const serviceUrlHosts = opts.serviceUrlHosts ?? defaultServiceUrlHosts(opts.nodeEnv);
  const rate = opts.conversationRate ?? DEFAULT_CONVERSATION_RATE;
  const perConversation = createRateLimiter(rate.perMinute, rate.burst);

  /** Conversations answering a turn in this process: their replies go out in-line, not proactively. */
  const inTurn = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();

  async function send(conversationId: string, sendActivities: (a: Array<Partial<Activity>>) => Promise<unknown>): Promise<number> {
    const claimed = await claimUndelivered(db, conversationId);
    if (claimed.length === 0) return 0;
    try {
      await sendActivities(claimed.map((c) => toActivity(c.reply)));
      return claimed.length;
    } catch (err) {
      await releaseClaims(db, conversationId, claimed.map((c) => c.seq));
      throw err;
    }
  }

  async function deliverPending(conversationId: string): Promise<number> {
    const reference = (await loadAddress(db, conversationId)) as Partial<ConversationReference> | null;
    if (!reference) return 0;
    // An address stored before BOTFRAMEWORK_SERVICE_URLS was narrowed is not written to.
    if (!reference.serviceUrl || !serviceUrlAllowed(reference.serviceUrl, serviceUrlHosts)) {
      logger.warn({ conversationId }, 'botframework proactive delivery skipped: serviceUrl not allowed');
      return 0;
    }
    let sent = 0;
    const { adapter } = await loadSdk();
    await adapter.continueConversationAsync(opts.appId ?? '', reference, async (context) => {
      // A proactive message answers nothing: without this botbuilder would send it as a reply to
      // the made-up continuation event, which some channels refuse.
      context.onSendActivities(async (_ctx, activities, next) => {
        for (const a of activities) delete a.replyToId;
        return next();
      });
      sent = await send(conversationId, (a) => context.sendActivities(a));
    });
    return sent;
  }

  async function onTurn(context: TurnContext): Promise<void> {
    const raw = context.activity;
    const parsed = inboundActivitySchema.safeParse(raw);
    if (!parsed.success || !raw.conversation?.id || !raw.channelId) return;
    const conversationId = botFrameworkConversationId(raw.channelId, raw.conversation.id);
    const base = {
      conversationId,
      channel: 'botframework' as const,
      user: { id: clip(`${PREFIX}${raw.channelId}:${raw.from?.id ?? 'user'}`), ...(raw.from?.name ? { name: clip(raw.from.name) } : {}) },
      ...(parsed.data.locale ? { locale: parsed.data.locale } : {}),
      receivedAt: new Date(),
    };
    let turn: Turn;
    if (raw.type === 'message') {
      const input = residentInput(parsed.data);
      // As the engine counts it: empty text is no text (a turn it would refuse, answered 500).
      if (!input.text && input.value === undefined && !input.attachments) return;
      // Longer messages than a Turn holds are cut rather than refused: a channel cannot show a 413.
      if (input.text !== undefined) input.text = input.text.slice(0, MAX_TEXT_LENGTH);
      turn = { ...base, activityId: clip(raw.id ?? randomUUID()), ...input };
    } else if (raw.type === 'conversationUpdate' && raw.membersAdded?.some((m) => m.id !== raw.recipient?.id)) {
      // The resident joined: run the flow's greeting once (idempotent on this activity id).
      turn = { ...base, ...START_TURN };
    } else {
      return;
    }
    // A turn the engine would refuse (an empty id, say) is dropped with 200: refusing it with a 500
    // would only make the channel send it again.
    const valid = turnSchema.safeParse(turn);
    if (!valid.success) {
      logger.warn({ conversationId, issues: valid.error.issues.map((i) => i.path.join('.')) }, 'botframework activity ignored: not a valid turn');
      return;
    }
    inTurn.add(conversationId);
    try {
      await engine.handleTurn(turn);
      await saveAddress(db, conversationId, (await loadSdk()).conversationReference(raw));
      await send(conversationId, (a) => context.sendActivities(a));
    } finally {
      inTurn.delete(conversationId);
    }
  }

  const unlisten = await db.listen(MESSAGES_CHANNEL, (payload) => {
    const { conversationId } = parseMessagesNotice(payload);
    if (!conversationId.startsWith(PREFIX) || inTurn.has(conversationId)) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      deliverPending(conversationId).catch((err: unknown) => logger.error({ err, conversationId }, 'botframework proactive delivery failed'));
    }, opts.proactiveGraceMs ?? 1000);
    timers.add(timer);
  });

  const router = express.Router();
  router.post('/api/messages', readBody({ limit: opts.bodyLimit ?? '64kb' }), async (req, res) => {
    // CloudAdapter throws (a 500, which the channel retries for ever) on a body that is not an
    // object with a string type; a reply to a serviceUrl that is not a URL, or to a conversation
    // id a header cannot carry, fails the same way.
    const activity = activityEnvelopeSchema.safeParse(req.body);
    if (!activity.success) {
      const where = activity.error.issues[0]?.path.join('.') || 'the body';
      throw new AppError('bad_activity', `not a Bot Framework activity: ${where} is missing or malformed`, { cause: activity.error });
    }
    // Before anything can go out: replies go to the Bot Framework's own hosts only (issue 12).
    if (!serviceUrlAllowed(activity.data.serviceUrl, serviceUrlHosts)) {
      throw new AppError('service_url_not_allowed', 'replies cannot be sent to this serviceUrl');
    }
    // Without an app id nothing is signed: such activities come from this machine only (the Emulator).
    if (!opts.appId && !directFromThisMachine(req)) {
      throw new AppError('unauthenticated_remote', 'without MicrosoftAppId, /api/messages takes activities from this machine only');
    }
    const { adapter, auth, isAuthenticationError } = await loadSdk();
    let authenticated: AuthenticateRequestResult;
    try {
      authenticated = await auth.authenticateRequest(activity.data as unknown as Activity, req.get('authorization') ?? '');
    } catch (err) {
      if (isAuthenticationError(err)) throw new AppError('unauthorized', 'the request is not signed by the Bot Framework', { cause: err });
      throw err;
    }
    // Only a signed (or, in development, local) activity counts against its conversation, so a
    // forged flood cannot use up a resident's allowance.
    const { channelId } = z.object({ channelId: z.string().catch('') }).loose().parse(req.body);
    const conversationKey = activity.data.conversation?.id ? botFrameworkConversationId(channelId, activity.data.conversation.id) : `bf-none:${channelId}`;
    const verdict = perConversation.take(conversationKey, (opts.clock ?? Date.now)());
    if (!verdict.allowed) {
      throw new AppError('too_many_messages', `too many messages in this conversation; wait ${verdict.retryAfterSeconds} s and send again`, {
        headers: { 'Retry-After': String(verdict.retryAfterSeconds) },
      });
    }
    await auth.authenticated.run(authenticated, () => adapter.process(req, res, onTurn));
  });
  router.use(errorHandler(logger.child({ module: 'botframework' })));

  return {
    router,
    deliverPending,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await unlisten();
    },
  };
}
