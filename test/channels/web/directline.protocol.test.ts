/**
 * Direct Line 3.0 protocol, driven by Microsoft's own botframework-directlinejs client
 * against a real HTTP server with our router (issue 4, "Protocol" tests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSigner } from '../../../src/channels/web/directline/tokenSigner.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';
import { connect, serveDirectLine, silentLogger, type Served } from './directLineHarness.ts';
import { createMinimalEngine } from './minimalEngine.ts';

const KEY = 'k'.repeat(32);

let t: TestDb;
let engine: ReturnType<typeof createMinimalEngine>;
let s: Served;

beforeAll(async () => {
  t = await createTestDb();
  engine = createMinimalEngine(t.db);
  s = await serveDirectLine({ db: t.db, engine, logger: silentLogger, tokenSigningKey: KEY, widgetOrigins: ['https://partner.example'] });
});
afterAll(async () => {
  await s?.close();
  await t?.close();
});

async function generate(base = s.domain, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/tokens/generate`, { method: 'POST', headers });
  expect(res.status).toBe(200);
  return (await res.json()) as { conversationId: string; token: string; expires_in: number };
}

async function call(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const res = await fetch(`${s.domain}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null, headers: res.headers };
}

describe('Direct Line with botframework-directlinejs', () => {
  it('greets over WebSocket, echoes text with clientActivityID, and passes a button value', async () => {
    const { token, conversationId } = await generate();
    const c = connect({ domain: s.domain, token, webSocket: true, conversationStartProperties: { locale: 'en-GB' } });
    try {
      const greeting = await c.waitFor((a) => a.type === 'message' && String(a.text).startsWith('Welcome'), 'greeting');
      expect(greeting.locale).toBe('en-GB');
      expect(greeting.suggestedActions).toEqual({
        actions: [
          { type: 'messageBack', title: 'Yes please', text: 'Yes please', displayText: 'Yes please', value: 'yes' },
          { type: 'messageBack', title: 'Not now', text: 'Not now', displayText: 'Not now', value: 'no' },
        ],
      });
      expect((c.dl as unknown as { conversationId: string }).conversationId).toBe(conversationId);

      const id = await c.post({ type: 'message', text: 'hello there', locale: 'en-GB', channelData: { clientActivityID: 'client-1' } });
      const echo = await c.waitFor((a) => (a.channelData as { clientActivityID?: string })?.clientActivityID === 'client-1', 'echo');
      expect(echo.id).toBe(id);
      expect(echo.text).toBe('hello there');
      expect((echo.from as { role: string }).role).toBe('user');
      await c.waitFor((a) => a.type === 'typing', 'typing');
      await c.waitFor((a) => a.text === 'You said: hello there', 'reply to text');

      // What Web Chat posts for a messageBack suggested action.
      await c.post({ type: 'message', text: 'Yes please', value: 'yes', channelData: { clientActivityID: 'client-2', messageBack: { displayText: 'Yes please' } } });
      await c.waitFor((a) => a.text === 'You chose: "yes"', 'reply to button');
      const turn = engine.turns.find((x) => x.clientActivityId === 'client-2');
      expect(turn).toMatchObject({ conversationId, channel: 'directline', text: 'Yes please', value: 'yes' });
      // The user id comes from the token, not from the client's `from`.
      expect(turn?.user.id).toMatch(/^dl_user_/);

      // Ids are unique and the watermark only moves forward.
      const ids = c.activities.map((a) => a.id);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      c.end();
    }
  });

  it('delivers replies by polling and resumes from a watermark after reconnecting, missing nothing', async () => {
    const { token, conversationId } = await generate();
    const first = connect({ domain: s.domain, token, webSocket: false, pollingInterval: 200 });
    let watermark: string;
    try {
      await first.post({ type: 'message', text: 'one', channelData: { clientActivityID: 'p-1' } });
      await first.waitFor((a) => a.text === 'You said: one', 'polled reply');
      watermark = (first.dl as unknown as { watermark: string }).watermark;
      expect(Number(watermark)).toBeGreaterThan(0);
    } finally {
      first.end();
    }
    // Sent while nobody is connected (e.g. an adviser's relay): it waits in the activity log.
    await engine.sendProactive(conversationId, [
      { type: 'adviser', text: 'Hi, I am Sam from the housing association.', adviserName: 'Sam' },
      { type: 'text', text: 'Your course starts on Monday.', locale: 'en', dir: 'ltr' },
    ]);
    const again = connect({ domain: s.domain, token, conversationId, watermark, webSocket: true });
    try {
      await again.waitFor((a) => a.text === 'Your course starts on Monday.', 'missed message');
      const texts = again.activities.filter((a) => a.type === 'message').map((a) => a.text);
      expect(texts).toEqual(['Hi, I am Sam from the housing association.', 'Your course starts on Monday.']);
      const adviser = again.activities.find((a) => a.text?.toString().startsWith('Hi, I am Sam'));
      expect(adviser?.from).toEqual({ id: 'adviser', name: 'Sam', role: 'bot' });
    } finally {
      again.end();
    }
  });

  it('renders cards as Adaptive Cards with a text fallback, and right-to-left replies as such', async () => {
    const { token } = await generate();
    const c = connect({ domain: s.domain, token, webSocket: true, conversationStartProperties: { locale: 'ur' } });
    try {
      const greeting = await c.waitFor((a) => String(a.text).startsWith('Welcome'), 'greeting');
      expect(greeting.channelData).toEqual({ dir: 'rtl' });
      await c.post({ type: 'message', text: 'card', locale: 'ur' });
      const card = await c.waitFor((a) => Array.isArray(a.attachments), 'card');
      const [attachment] = card.attachments as Array<{ contentType: string; content: Record<string, unknown> }>;
      expect(attachment!.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(attachment!.content).toMatchObject({ type: 'AdaptiveCard', rtl: true, fallbackText: expect.stringContaining('Solihull') });
      expect(attachment!.content.actions).toEqual([{ type: 'Action.Submit', title: 'Book', data: { choice: 'book:s1', label: 'Book' } }]);
      // What Web Chat posts when the card's button is pressed.
      await c.post({ type: 'message', value: { choice: 'book:s1', label: 'Book' } });
      await c.waitFor((a) => a.text === 'You chose: "book:s1"', 'reply to card button');
    } finally {
      c.end();
    }
  });

  it('shows the whole transcript again after a page reload (same conversation and token, no watermark)', async () => {
    const { token, conversationId } = await generate();
    const c = connect({ domain: s.domain, token, webSocket: true });
    await c.post({ type: 'message', text: 'remember me' });
    await c.waitFor((a) => a.text === 'You said: remember me', 'reply');
    c.end();
    const reloaded = connect({ domain: s.domain, token, conversationId, webSocket: true });
    try {
      await reloaded.waitFor((a) => a.text === 'You said: remember me', 'transcript');
      expect(reloaded.activities.filter((a) => a.type === 'message').map((a) => a.text)).toEqual([
        'Welcome to Anchorline. Shall we start?',
        'remember me',
        'You said: remember me',
      ]);
    } finally {
      reloaded.end();
    }
  });
});

describe('Direct Line while a turn is slow', () => {
  it('shows a typing indicator on the stream until the replies arrive', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = {
      ...engine,
      async handleTurn(turn: Parameters<typeof engine.handleTurn>[0]) {
        if (turn.text === 'slow please') await gate;
        return engine.handleTurn(turn);
      },
    };
    const served = await serveDirectLine({ db: t.db, engine: slow, logger: silentLogger, tokenSigningKey: KEY, widgetOrigins: [], typingAfterMs: 10 });
    try {
      const { token } = await generate(served.domain);
      const c = connect({ domain: served.domain, token, webSocket: true });
      try {
        await c.waitFor((a) => String(a.text).startsWith('Welcome'), 'greeting');
        const posted = c.post({ type: 'message', text: 'slow please' });
        const typing = await c.waitFor((a) => a.type === 'typing', 'typing indicator while the turn runs');
        expect(typing.from).toMatchObject({ role: 'bot' });
        expect(c.activities.some((a) => a.text === 'You said: slow please')).toBe(false);
        release();
        await posted;
        await c.waitFor((a) => a.text === 'You said: slow please', 'reply after the slow turn');
      } finally {
        c.end();
      }
    } finally {
      release();
      await served.close();
    }
  });
});

describe('Direct Line tokens and bad input', () => {
  it('refuses a token for another conversation with 403, on REST and on the stream', async () => {
    const a = await generate();
    const b = await generate();
    for (const [path, init] of [
      [`/conversations/${b.conversationId}/activities`, {}],
      [`/conversations/${b.conversationId}`, {}],
      [`/conversations/${b.conversationId}/activities`, { method: 'POST', body: JSON.stringify({ type: 'message', text: 'hi' }), headers: { 'content-type': 'application/json' } }],
    ] as const) {
      const r = await call(path, { ...init, token: a.token });
      expect({ path, status: r.status, body: r.body }).toEqual({ path, status: 403, body: { error: { code: 'wrong_conversation', message: expect.any(String) } } });
    }
    const ws = await import('ws');
    const streamUrl = `${s.domain.replace('http', 'ws')}/conversations/${b.conversationId}/stream?t=${encodeURIComponent(a.token)}`;
    const status = await new Promise<number>((resolve) => {
      const sock = new ws.WebSocket(streamUrl);
      sock.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      sock.on('open', () => resolve(101));
      sock.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });

  it('refuses an expired token with 403, and refresh keeps the same conversation', async () => {
    const { conversationId, token } = await generate();
    const past = new Date(Date.now() - 3600_000);
    const expired = createTokenSigner(KEY, 60).sign({ conversationId, userId: 'u' }, past).token;
    const r = await call(`/conversations/${conversationId}/activities`, { token: expired });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: { code: 'token_expired', message: 'the token has expired' } });
    expect((await call('/tokens/refresh', { method: 'POST', token: expired })).status).toBe(403);
    const forged = createTokenSigner('x'.repeat(32), 60).sign({ conversationId, userId: 'u' }).token;
    expect((await call(`/conversations/${conversationId}/activities`, { token: forged })).body).toMatchObject({ error: { code: 'token_bad_signature' } });

    const refreshed = await call('/tokens/refresh', { method: 'POST', token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ conversationId, expires_in: 1800 });
    expect((await call(`/conversations/${conversationId}/activities`, { token: String(refreshed.body!.token) })).status).toBe(200);
  });

  it('answers malformed, oversized, empty and unauthenticated requests with JSON errors', async () => {
    const { conversationId, token } = await generate();
    const post = (body: string) =>
      call(`/conversations/${conversationId}/activities`, { method: 'POST', body, token, headers: { 'content-type': 'application/json' } });
    expect(await post('{"type": "message", "text": ')).toMatchObject({ status: 400, body: { error: { code: 'malformed_json' } } });
    expect(await post(JSON.stringify({ type: 'message', text: 'x'.repeat(4001) }))).toMatchObject({ status: 413, body: { error: { code: 'message_too_large' } } });
    expect(await post(JSON.stringify({ type: 'message', text: 'x'.repeat(70_000) }))).toMatchObject({ status: 413, body: { error: { code: 'body_too_large' } } });
    expect(await post(JSON.stringify({ type: 'message' }))).toMatchObject({ status: 400, body: { error: { code: 'empty_message' } } });
    expect(await post(JSON.stringify([1, 2]))).toMatchObject({ status: 400, body: { error: { code: 'bad_activity' } } });
    // A message the engine refuses as a turn (a button value of more than 200 items) is the client's fault, named by field.
    expect(await post(JSON.stringify({ type: 'message', text: 'hi', value: Array.from({ length: 201 }, () => 1) }))).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_activity', message: 'the activity cannot be a turn: value is out of range' } },
    });
    expect(await call(`/conversations/${conversationId}/activities?watermark=abc`, { token })).toMatchObject({ status: 400, body: { error: { code: 'bad_watermark' } } });
    expect(await call(`/conversations/${conversationId}/activities`)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await call(`/conversations/${conversationId}/activities`, { token: 'not-a-token' })).toMatchObject({ status: 403, body: { error: { code: 'token_malformed' } } });
    // The server is still answering after all of that.
    const ok = await call(`/conversations/${conversationId}/activities`, { token });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ watermark: expect.any(String), activities: expect.any(Array) });
  });

  it('answers 404 for an unknown conversation (secret holder), and requires the secret when one is set', async () => {
    const secret = 's'.repeat(24);
    const guarded = await serveDirectLine({ db: t.db, engine, logger: silentLogger, tokenSigningKey: KEY, directLineSecret: secret, widgetOrigins: [] });
    try {
      const auth = { authorization: `Bearer ${secret}` };
      expect((await fetch(`${guarded.domain}/tokens/generate`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${guarded.domain}/conversations`, { method: 'POST' })).status).toBe(401);
      const unknown = await fetch(`${guarded.domain}/conversations/dl-nope/activities`, { headers: auth });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: { code: 'conversation_not_found', message: 'no such conversation' } });
      const started = await fetch(`${guarded.domain}/conversations`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: 'partner-user-7' } }),
      });
      expect(started.status).toBe(201);
      const body = (await started.json()) as { conversationId: string; token: string; streamUrl: string };
      expect(body.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${body.conversationId}/stream\\?t=`));
      expect(engine.turns.find((x) => x.conversationId === body.conversationId)?.user.id).toBe('partner-user-7');
    } finally {
      await guarded.close();
    }
  });

  it('rate-limits anonymous token generation per address and applies CORS to the configured origins only', async () => {
    const limited = await serveDirectLine({ db: t.db, engine, logger: silentLogger, tokenSigningKey: KEY, widgetOrigins: ['https://partner.example'], tokensPerMinute: 2 });
    try {
      const gen = (origin?: string) => fetch(`${limited.domain}/tokens/generate`, { method: 'POST', headers: origin ? { origin } : {} });
      expect((await gen('https://evil.example')).status).toBe(403);
      const allowed = await gen('https://partner.example');
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://partner.example');
      expect((await gen()).status).toBe(200);
      const refused = await gen();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });

      const preflight = await fetch(`${limited.domain}/conversations`, {
        method: 'OPTIONS',
        headers: { origin: 'https://partner.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toBe('Accept, Authorization, Content-Type, X-Requested-With, x-ms-bot-agent');
      const foreign = await fetch(`${limited.domain}/conversations`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await limited.close();
    }
  });
});

describe(`proactive delivery across processes (${TEST_DATABASE_URL ? 'pg: two pools, two servers' : 'pglite: one process'})`, () => {
  it('a message written through one process reaches a stream held by the other', async () => {
    // With PGlite there is one connection, so "the other process" is the same one; CI sets TEST_DATABASE_URL.
    const otherDb = TEST_DATABASE_URL ? await t.another() : t.db;
    const other = await serveDirectLine({ db: otherDb, engine: createMinimalEngine(otherDb), logger: silentLogger, tokenSigningKey: KEY, widgetOrigins: [] });
    try {
      const { token, conversationId } = await generate();
      // The resident's stream is held by the other server.
      const c = connect({ domain: other.domain, token, webSocket: true });
      try {
        await c.waitFor((a) => String(a.text).startsWith('Welcome'), 'greeting via the other server');
        // An adviser's message arrives through the first process (its engine and pool).
        await engine.sendProactive(conversationId, [{ type: 'adviser', text: 'A reply from your adviser', adviserName: 'Priya' }]);
        const relayed = await c.waitFor((a) => a.text === 'A reply from your adviser', 'relayed message');
        expect(relayed.from).toMatchObject({ name: 'Priya' });
        expect(otherDb === t.db).toBe(!TEST_DATABASE_URL);
      } finally {
        c.end();
      }
    } finally {
      await other.close();
    }
  });
});
