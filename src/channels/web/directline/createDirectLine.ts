import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type Request } from 'express';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import type { Engine, TurnOutcome } from '../../../engine/port.ts';
import type { Turn } from '../../../engine/turn.ts';
import type { Db } from '../../../store/db.ts';
import type { MessageRow } from '../../../store/messages.ts';
import { normaliseReferralCode } from '../../../store/referralCodes.ts';
import { AppError, errorStatus, type ErrorCode } from '../../../errors.ts';
import { errorHandler } from '../../../http/errorHandler.ts';
import { readBody } from '../../../http/readBody.ts';
import { inboundActivitySchema, MAX_TEXT_LENGTH, residentInput } from '../inboundActivity.ts';
import { renderReply } from '../renderReply.ts';
import { START_TURN } from '../startTurn.ts';
import { activityId, readActivityLog, rowToActivity, type DirectLineActivity } from './activityLog.ts';
import { findConversation, saveConversation } from '../../../store/directlineConversations.ts';
import { createRateLimiter, DEFAULT_ADDRESS_RATE, DEFAULT_CONVERSATION_RATE, type MessageRate } from './rateLimiter.ts';
import { directLineCors } from './directLineCors.ts';
import { createStreamHub, type StreamStats, type WrittenActivities } from './streamHub.ts';
import { addressKey, directFromThisMachine } from '../serviceUrls.ts';
import { createTokenSigner, type TokenClaims } from './tokenSigner.ts';

export interface DirectLineOptions {
  db: Db;
  engine: Engine;
  logger: Logger;
  /** Signs tokens; every process serving one database needs the same key. */
  tokenSigningKey: string | Buffer;
  /** When set, /tokens/generate and token-less /conversations require it as a Bearer token. */
  directLineSecret?: string | undefined;
  /** Browser origins allowed to call the API (CORS); the server's own origin is always allowed. */
  widgetOrigins: string[];
  /** Token lifetime (default 1800 s, as Direct Line; clients refresh every 15 minutes). */
  tokenTtlSeconds?: number;
  /** Token generations per client address per minute without a secret (default 20). */
  tokensPerMinute?: number;
  /** Where the router is mounted (default /v3/directline); used for the WebSocket path. */
  basePath?: string;
  /** Largest activity body (default 64kb). */
  bodyLimit?: string;
  /** WebSocket ping interval (default 20 s). */
  keepAliveMs?: number;
  /** A turn still running after this long shows a typing indicator on open streams (default 300 ms). */
  typingAfterMs?: number;
  /** Activities one conversation may post: `perMinute` on average, `burst` at once (default 60 and 20). */
  conversationRate?: MessageRate;
  /** Activities one client address may post, all its conversations together (default 600 and 200); this machine's addresses are not counted. */
  addressRate?: MessageRate;
  /** Open WebSocket streams per conversation in this process (default 4); one more is closed with 1008. */
  maxStreamsPerConversation?: number;
  /** Unsent bytes one stream may hold before it is closed with 1013 (default 256 KiB). */
  maxBufferedBytes?: number;
  /** Milliseconds now, for the message limits (tests stop time with it; default Date.now). */
  clock?: () => number;
}

export interface DirectLine {
  router: express.Router;
  /** Open streams of this process and why streams were closed (for tests and metrics). */
  streamStats(): StreamStats;
  /**
   * Handles WebSocket upgrades on `<basePath>/conversations/:id/stream` (other paths are left
   * alone), and refuses a posted activity of a conversation over its limit before the app routes it.
   */
  attachWebSocket(server: http.Server): void;
  close(): Promise<void>;
}

const localeSchema = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/);
const startBodySchema = z
  .object({
    user: z.object({ id: z.string().min(1).max(200).optional(), name: z.string().max(200).optional() }).loose().optional(),
    locale: z.string().optional(),
    /** A referral code (`/?ref=CODE`, the widget's `data-referral`); a malformed one is ignored. */
    referral: z.unknown().optional(),
  })
  .loose();
/** What Web Chat's `webchat/join` event may carry (its `value`). */
const joinValueSchema = z.object({ locale: z.unknown().optional(), referral: z.unknown().optional() }).loose();
const watermarkSchema = z.union([z.literal(''), z.string().regex(/^\d{1,15}$/)]).optional();

type Auth = { kind: 'secret' } | { kind: 'token'; claims: TokenClaims };

const BOT_TYPING = renderReply({ type: 'typing' });

function newConversationId(): string {
  return `dl-${randomBytes(16).toString('base64url')}`;
}
function newUserId(): string {
  return `dl_user_${randomBytes(9).toString('base64url')}`;
}
function validLocale(v: unknown): string | undefined {
  const r = localeSchema.safeParse(v);
  return r.success ? r.data : undefined;
}
function parseWatermark(v: unknown): number {
  const r = watermarkSchema.safeParse(v);
  if (!r.success) throw new AppError('bad_watermark', 'watermark must be a number returned by this service');
  return r.data ? Number(r.data) : 0;
}
/**
 * The Turn the engine refused (e.g. an empty activity id) is the client's fault: 400, not 503.
 * The engine checks the turn (once); its message starts with the first field at fault.
 */
function badActivity(err: AppError): AppError {
  const colon = err.message.indexOf(':');
  const where = colon > 0 ? err.message.slice(0, colon) : '';
  return new AppError('bad_activity', `the activity cannot be a turn: ${where && where !== 'turn' ? where : 'a field'} is out of range`, { cause: err });
}
/**
 * What the turn just stored, rendered as GET /activities would render it, so this process's
 * streams get it without reading it back. Undefined when the turn wrote nothing (a repeated
 * activity id). The time is this process's, not the row's `created_at` (milliseconds apart).
 */
function writtenActivities(conversationId: string, outcome: TurnOutcome): WrittenActivities | undefined {
  const first = outcome.written[0];
  const last = outcome.written.at(-1);
  if (!first || !last) return undefined;
  const createdAt = new Date();
  const activities: DirectLineActivity[] = [];
  for (const m of outcome.written) {
    // The engine built these bodies itself (a Reply, or the resident's message): what reading the row back would parse.
    const a = rowToActivity({ ...m, conversationId, createdAt } as MessageRow);
    if (a) activities.push(a);
  }
  return { firstSeq: first.seq, lastSeq: last.seq, activities };
}
/**
 * A 200 JSON answer written as is (headers set before, e.g. CORS, are kept): every posted
 * activity gets one, and res.json's ETag (a hash of a body nobody caches) and content-type
 * lookup cost more than the answer.
 */
function sendJson(res: http.ServerResponse, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(json)) }).end(json);
}
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}
function bearer(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
}
function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A Direct Line 3.0-compatible endpoint (issue 4), so Microsoft's `botframework-webchat` and
 * `botframework-directlinejs` talk to Anchorline with no cloud service in between. The
 * activity log is the engine's `messages` table and the watermark its per-conversation seq.
 */
export function createDirectLine(opts: DirectLineOptions): DirectLine {
  const { db, engine, logger } = opts;
  const basePath = opts.basePath ?? '/v3/directline';
  const signer = createTokenSigner(opts.tokenSigningKey, opts.tokenTtlSeconds ?? 1800);
  const limiter = createRateLimiter(opts.tokensPerMinute ?? 20);
  const conversationRate = opts.conversationRate ?? DEFAULT_CONVERSATION_RATE;
  const addressRate = opts.addressRate ?? DEFAULT_ADDRESS_RATE;
  const perConversation = createRateLimiter(conversationRate.perMinute, conversationRate.burst);
  const perAddress = createRateLimiter(addressRate.perMinute, addressRate.burst);
  const hub = createStreamHub({
    db,
    logger,
    ...(opts.keepAliveMs ? { keepAliveMs: opts.keepAliveMs } : {}),
    ...(opts.maxStreamsPerConversation ? { maxStreamsPerConversation: opts.maxStreamsPerConversation } : {}),
    ...(opts.maxBufferedBytes ? { maxBufferedBytes: opts.maxBufferedBytes } : {}),
  });
  const allowedOrigins = new Set(opts.widgetOrigins);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;
  const attached: Array<{ server: http.Server; onUpgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void; listeners: RequestListener[]; first: RequestListener }> = [];

  const originAllowed = (req: Request, origin: string) => allowedOrigins.has(origin) || origin === ownOrigin(req);

  /** Who is calling: the secret (any conversation) or a token (its own conversation only). */
  function authenticate(req: Request): Auth | null {
    const given = bearer(req);
    if (!given) return null;
    if (opts.directLineSecret && sameSecret(given, opts.directLineSecret)) return { kind: 'secret' };
    const check = signer.verify(given);
    if (!check.ok) {
      // Direct Line answers 403 for an expired token; directlinejs then reports ExpiredToken.
      throw new AppError(check.code, check.code === 'token_expired' ? 'the token has expired' : 'the token is not valid');
    }
    return { kind: 'token', claims: check.claims };
  }

  function requireConversationAccess(req: Request, conversationId: string): Auth {
    const auth = authenticate(req);
    if (!auth) throw new AppError('unauthorized', 'a Bearer token is required');
    if (auth.kind === 'token' && auth.claims.cid !== conversationId) {
      throw new AppError('wrong_conversation', 'the token belongs to another conversation');
    }
    return auth;
  }

  /** The embedded default has no secret: anyone on an allowed origin may start, at a limited rate. */
  function admitAnonymous(req: Request): void {
    const origin = req.get('origin');
    if (origin && !originAllowed(req, origin)) throw new AppError('origin_not_allowed', 'this origin may not start conversations');
    const verdict = limiter.take(addressKey(req.ip));
    if (!verdict.allowed) {
      throw new AppError('rate_limited', 'too many conversations started from this address; try again shortly', {
        headers: { 'Retry-After': String(verdict.retryAfterSeconds) },
      });
    }
  }

  /**
   * Every activity posted counts against its conversation and its client address; over either
   * limit it is refused with 429 and Retry-After before it costs a turn (issue 12).
   */
  /**
   * The 429 of a message over a limit, as the error handler would answer it but written as is:
   * no Error (its stack), no ETag (a hash of the body) or other work of res.json for an answer
   * that only refuses, since a flood is made of these.
   */
  interface Refusal {
    retryAfter: number;
    body: string;
  }
  const tooMany = (who: string, retryAfter: number): Refusal => ({
    retryAfter,
    body: JSON.stringify({ error: { code: 'too_many_messages' satisfies ErrorCode, message: `too many messages ${who}; wait ${retryAfter} s and send again` } }),
  });
  function writeRefusal(res: http.ServerResponse, refusal: Refusal, headers: Record<string, string> = {}): void {
    res
      .writeHead(errorStatus.too_many_messages, {
        ...headers,
        'Retry-After': String(refusal.retryAfter),
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(refusal.body)),
      })
      .end(refusal.body);
  }

  function admitMessage(req: Request, conversationId: string): Refusal | undefined {
    const now = (opts.clock ?? Date.now)();
    const conversation = perConversation.take(conversationId, now);
    if (!conversation.allowed) return tooMany('in this conversation', conversation.retryAfterSeconds);
    // Not an address of this machine: that is the operator's own tools (a benchmark), or a proxy
    // that sends no X-Forwarded-For, where one bucket for every resident would throttle them all.
    if (directFromThisMachine(req)) return undefined;
    const address = perAddress.take(addressKey(req.ip), now);
    if (!address.allowed) return tooMany('from this address', address.retryAfterSeconds);
    return undefined;
  }

  function streamUrl(req: Request, conversationId: string, token: string, watermark?: number): string {
    const proto = req.protocol === 'https' ? 'wss' : 'ws';
    const q = new URLSearchParams({ t: token, ...(watermark ? { watermark: String(watermark) } : {}) });
    return `${proto}://${req.get('host') ?? 'localhost'}${basePath}/conversations/${encodeURIComponent(conversationId)}/stream?${q}`;
  }

  /**
   * Runs the flow's greeting once per conversation (idempotent on the activity id); the referral
   * code it carries is counted when this turn starts the conversation.
   */
  async function startTurn(conversationId: string, userId: string, locale: string | undefined, referral: string | undefined): Promise<void> {
    const turn: Turn = {
      conversationId,
      channel: 'directline',
      ...START_TURN,
      user: { id: userId },
      ...(locale ? { locale } : {}),
      ...(referral ? { referral } : {}),
      receivedAt: new Date(),
    };
    try {
      await engine.handleTurn(turn);
    } catch (err) {
      // The conversation exists; the resident can still type, so the start itself does not fail.
      logger.error({ err, conversationId }, 'directline start turn failed');
    }
  }

  const router = express.Router();

  router.use(directLineCors(originAllowed));
  // A posted activity is admitted (its token checked, then counted) before its body is read or
  // anything else is done with it, and a refusal is answered here, without the error path: a
  // flood costs as little as it can, so it does not slow other residents' turns (issue 12). Node
  // discards the unread body and keeps the connection.
  const admitted = new WeakMap<Request, Auth>();
  router.post('/conversations/:id/activities', (req, res, next) => {
    const auth = requireConversationAccess(req, req.params.id);
    const refusal = admitMessage(req, req.params.id);
    if (refusal) {
      writeRefusal(res, refusal);
      return;
    }
    admitted.set(req, auth);
    next();
  });
  // The edge's body reader (BODY_LIMIT, strict UTF-8, checked JSON), after CORS so that a refused
  // body is answered with CORS headers Web Chat in another origin can read.
  router.use(readBody({ limit: opts.bodyLimit ?? '64kb' }));

  router.post('/tokens/generate', async (req, res) => {
    const auth = authenticate(req);
    if (opts.directLineSecret && auth?.kind !== 'secret') throw new AppError('unauthorized', 'the Direct Line secret is required');
    if (!opts.directLineSecret) admitAnonymous(req);
    const body = startBodySchema.safeParse(req.body ?? {});
    // Only a caller holding the secret (a partner's back end) may choose the user id.
    const userId = (auth?.kind === 'secret' && body.success && body.data.user?.id) || newUserId();
    const conversationId = newConversationId();
    await saveConversation(db, { id: conversationId, userId, locale: null });
    // The code rides in the signed token to the conversation's first turn, whichever starts it.
    const referral = body.success ? normaliseReferralCode(body.data.referral) : undefined;
    const { token, expiresIn } = signer.sign({ conversationId, userId, referral });
    res.json({ conversationId, token, expires_in: expiresIn });
  });

  router.post('/tokens/refresh', (req, res) => {
    const auth = authenticate(req);
    if (auth?.kind !== 'token') throw new AppError('unauthorized', 'a Direct Line token is required');
    const { token, expiresIn } = signer.sign({ conversationId: auth.claims.cid, userId: auth.claims.uid, referral: auth.claims.ref });
    res.json({ conversationId: auth.claims.cid, token, expires_in: expiresIn });
  });

  router.post('/conversations', async (req, res) => {
    const auth = authenticate(req);
    const body = startBodySchema.safeParse(req.body ?? {});
    if (!body.success) throw new AppError('bad_request', 'the body must be a JSON object');
    const locale = validLocale(body.data.locale);
    let conversationId: string;
    let userId: string;
    let referral = normaliseReferralCode(body.data.referral);
    if (auth?.kind === 'token') {
      ({ cid: conversationId, uid: userId } = auth.claims);
      referral = auth.claims.ref ?? referral;
    } else {
      if (!auth && opts.directLineSecret) throw new AppError('unauthorized', 'a Direct Line secret or token is required');
      if (!auth) admitAnonymous(req);
      conversationId = newConversationId();
      userId = (auth?.kind === 'secret' && body.data.user?.id) || newUserId();
    }
    await saveConversation(db, { id: conversationId, userId, locale: locale ?? null });
    await startTurn(conversationId, userId, locale, referral);
    const { token, expiresIn } = signer.sign({ conversationId, userId, referral });
    res.status(201).json({ conversationId, token, expires_in: expiresIn, streamUrl: streamUrl(req, conversationId, token) });
  });

  router.get('/conversations/:id', async (req, res) => {
    const conversationId = req.params.id;
    const auth = requireConversationAccess(req, conversationId);
    const watermark = parseWatermark(req.query.watermark);
    const conversation = await findConversation(db, conversationId);
    if (!conversation) throw new AppError('conversation_not_found', 'no such conversation');
    const userId = auth.kind === 'token' ? auth.claims.uid : conversation.userId;
    const { token, expiresIn } = signer.sign({ conversationId, userId, referral: auth.kind === 'token' ? auth.claims.ref : undefined });
    res.json({ conversationId, token, expires_in: expiresIn, streamUrl: streamUrl(req, conversationId, token, watermark) });
  });

  router.get('/conversations/:id/activities', async (req, res) => {
    const conversationId = req.params.id;
    const auth = requireConversationAccess(req, conversationId);
    const watermark = parseWatermark(req.query.watermark);
    if (auth.kind === 'secret' && !(await findConversation(db, conversationId))) {
      throw new AppError('conversation_not_found', 'no such conversation');
    }
    res.json(await readActivityLog(db, conversationId, watermark));
  });

  router.post('/conversations/:id/activities', async (req, res) => {
    const conversationId = req.params.id;
    const auth = admitted.get(req) ?? requireConversationAccess(req, conversationId);
    const parsed = inboundActivitySchema.safeParse(req.body);
    if (!parsed.success) throw new AppError('bad_activity', 'the body is not an activity');
    const a = parsed.data;
    if (a.text !== undefined && a.text.length > MAX_TEXT_LENGTH) {
      throw new AppError('message_too_large', `a message may hold at most ${MAX_TEXT_LENGTH} characters`);
    }
    let userId: string;
    if (auth.kind === 'token') {
      userId = auth.claims.uid;
    } else {
      const conversation = await findConversation(db, conversationId);
      if (!conversation) throw new AppError('conversation_not_found', 'no such conversation');
      userId = conversation.userId;
    }
    const locale = validLocale(a.locale);
    const clientActivityId = a.channelData?.clientActivityID;
    // Counted only when this turn starts the conversation (a page that posts before joining).
    const referral = normaliseReferralCode(a.channelData?.referral) ?? (auth.kind === 'token' ? auth.claims.ref : undefined);

    if (a.type !== 'message') {
      if (a.type === 'event' && a.name === 'webchat/join') {
        const value = joinValueSchema.safeParse(a.value);
        const joined = value.success ? value.data : {};
        await startTurn(conversationId, userId, validLocale(joined.locale) ?? locale, normaliseReferralCode(joined.referral) ?? referral);
      }
      // Events are not stored; echo them to this process's open streams so Web Chat settles them.
      const id = `${conversationId}|e${randomBytes(6).toString('hex')}`;
      if (a.type === 'event') {
        const echo: DirectLineActivity = {
          type: 'event',
          ...(a.name ? { name: a.name } : {}),
          id,
          conversation: { id: conversationId },
          channelId: 'directline',
          timestamp: new Date().toISOString(),
          from: { id: userId, role: 'user' },
          ...(clientActivityId ? { channelData: { clientActivityID: clientActivityId } } : {}),
        };
        hub.sendEphemeral(conversationId, echo);
      }
      sendJson(res, { id });
      return;
    }

    const input = residentInput(a);
    // As the engine counts it: empty text is no text.
    if (!input.text && input.value === undefined && !input.attachments) throw new AppError('empty_message', 'a message needs text or a value');
    const turnActivityId = clientActivityId ?? a.id ?? randomUUID();
    const turn: Turn = {
      conversationId,
      channel: 'directline',
      activityId: turnActivityId,
      user: { id: userId, ...(a.from?.name ? { name: a.from.name } : {}) },
      ...input,
      ...(locale ? { locale } : {}),
      ...(clientActivityId ? { clientActivityId } : {}),
      ...(referral ? { referral } : {}),
      receivedAt: new Date(),
    };
    // A turn that waits on a slow action (postcode look-up, booking) shows Web Chat's typing dots.
    const typing = setTimeout(() => {
      hub.sendEphemeral(conversationId, {
        ...BOT_TYPING,
        id: `${conversationId}|t${randomBytes(6).toString('hex')}`,
        conversation: { id: conversationId },
        channelId: 'directline',
        timestamp: new Date().toISOString(),
      });
    }, opts.typingAfterMs ?? 300);
    let firstSeq: number | undefined;
    const local = hub.localTurn(conversationId);
    let written: WrittenActivities | undefined;
    try {
      const outcome = await engine.handleTurn(turn);
      firstSeq = outcome.written[0]?.seq;
      written = writtenActivities(conversationId, outcome);
    } catch (err) {
      // A message the engine cannot take is the client's fault (400); anything else: send it again.
      if (err instanceof AppError && err.code === 'turn_invalid') throw badActivity(err);
      if (err instanceof AppError && err.status < 500) throw err;
      throw new AppError('try_again', 'the message was not processed; please send it again', { cause: err });
    } finally {
      clearTimeout(typing);
      local.done(written);
    }
    sendJson(res, { id: firstSeq !== undefined ? activityId(conversationId, firstSeq) : `${conversationId}|${turnActivityId}` });
  });

  router.use(errorHandler(logger.child({ module: 'directline' })));

  const streamPath = new RegExp(`^${basePath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/conversations/([^/?]+)/stream$`);

  const activitiesPath = new RegExp(`^${basePath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/conversations/([^/?]+)/activities$`);

  /**
   * The flood's short way out (issue 12): a posted activity of a conversation already over its
   * limit is refused before the app routes it, at a third of the cost, so that one token
   * flooding does not slow everyone else's turns. Anything else (another origin, no or a bad
   * token, a conversation under its limit) goes the usual way and is answered there.
   */
  function refuseEarly(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const m = activitiesPath.exec(q < 0 ? url : url.slice(0, q));
    if (!m) return false;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return false;
    let conversationId: string;
    try {
      conversationId = decodeURIComponent(m[1]!);
    } catch {
      return false;
    }
    // The bucket first: a conversation under its limit (every ordinary message) goes on at once,
    // and its token is checked once, by the route.
    const verdict = perConversation.peek(conversationId, (opts.clock ?? Date.now)());
    if (verdict.allowed) return false;
    // Over its limit: refused here only for the conversation's own token (anyone else is told
    // by the route what is wrong with theirs).
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return false;
    const check = signer.verify(token);
    if (!check.ok || check.claims.cid !== conversationId) return false;
    // The headers directLineCors gives an allowed origin, so the widget can read the refusal.
    writeRefusal(res, tooMany('in this conversation', verdict.retryAfterSeconds), {
      Vary: 'Origin',
      ...(origin ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'Retry-After' } : {}),
    });
    return true;
  }

  function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = streamPath.exec(url.pathname);
    if (!m) return;
    socket.on('error', (err) => logger.debug({ err }, 'directline upgrade socket error'));
    let conversationId: string;
    try {
      conversationId = decodeURIComponent(m[1]!);
    } catch {
      refuse(socket, 400, 'Bad Request');
      return;
    }
    const check = signer.verify(url.searchParams.get('t') ?? '');
    if (!check.ok || check.claims.cid !== conversationId) {
      refuse(socket, 403, 'Forbidden');
      return;
    }
    const wm = watermarkSchema.safeParse(url.searchParams.get('watermark') ?? '');
    if (!wm.success) {
      refuse(socket, 400, 'Bad Request');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      hub.add(ws, conversationId, wm.data ? Number(wm.data) : 0).catch((err: unknown) => {
        logger.error({ err, conversationId }, 'directline stream failed to start');
        ws.close(1011, 'stream unavailable');
      });
    });
  }

  return {
    router,
    streamStats: () => hub.stats(),
    attachWebSocket(server) {
      server.on('upgrade', onUpgrade);
      // In front of the app's own request listener(s): a flood is refused before routing.
      const listeners = server.listeners('request') as RequestListener[];
      const first: RequestListener = (req, res) => {
        if (refuseEarly(req, res)) return;
        for (const listener of listeners) listener.call(server, req, res);
      };
      server.removeAllListeners('request');
      server.on('request', first);
      attached.push({ server, onUpgrade, listeners, first });
    },
    async close() {
      for (const { server, onUpgrade: fn, listeners, first } of attached) {
        server.off('upgrade', fn);
        server.off('request', first);
        for (const listener of listeners) server.on('request', listener);
      }
      await hub.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
