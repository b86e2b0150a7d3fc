/**
 * Issue 12, in one process: message rate limits on Direct Line's POST activities, the cap on open
 * streams per conversation, and liveness that only a pong proves. Real server, real sockets,
 * real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { closed, openStream, until } from './abuseServerProcess.ts';
import { serveDirectLine, silentLogger, type Served } from './directLineHarness.ts';
import { createMinimalEngine } from './minimalEngine.ts';

let t: TestDb;
let s: Served;
let addressLimited: Served;
/** The message limits' clock: stopped, and moved on by the tests (a turn's own time then never refills a bucket). */
let now = Date.now();

beforeAll(async () => {
  t = await createTestDb();
  const engine = createMinimalEngine(t.db);
  const base = { db: t.db, engine, logger: silentLogger, tokenSigningKey: 'k'.repeat(32), widgetOrigins: ['https://partner.example'], clock: () => now };
  // A ping every 200 ms, so that a client that answers none is found out within the test.
  s = await serveDirectLine({ ...base, keepAliveMs: 200 });
  addressLimited = await serveDirectLine({ ...base, addressRate: { perMinute: 60, burst: 5 } });
});
afterAll(async () => {
  await s?.close();
  await addressLimited?.close();
  await t?.close();
});

async function generate(server: Served) {
  const res = await fetch(`${server.domain}/tokens/generate`, { method: 'POST' });
  expect(res.status).toBe(200);
  return (await res.json()) as { conversationId: string; token: string };
}

/** Posts as a resident at `address` (behind a proxy on this machine, which names it in X-Forwarded-For). */
/** Posts as a client at `address` (X-Forwarded-For from this machine, as a local proxy sends it), or straight from this machine (`null`). */
function post(server: Served, c: { conversationId: string; token: string }, text: string, address: string | null = '203.0.113.1') {
  return fetch(`${server.domain}/conversations/${c.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json', origin: 'https://partner.example', ...(address === null ? {} : { 'x-forwarded-for': address }) },
    body: JSON.stringify({ type: 'message', text }),
  });
}

/** Resolves when the stream shows the bot's answer to `text`. */
function replyOn(ws: WebSocket, text: string): Promise<void> {
  return new Promise((resolve) => {
    const onFrame = (data: unknown) => {
      const frame = JSON.parse(String(data)) as { activities: Array<{ text?: string }> };
      if (frame.activities.some((a) => a.text === `You said: ${text}`)) {
        ws.off('message', onFrame);
        resolve();
      }
    };
    ws.on('message', onFrame);
  });
}

describe('message rate limits on Direct Line', () => {
  it('a conversation may send 20 messages at once; the 21st is refused with 429, Retry-After and a JSON error Web Chat can read', async () => {
    const c = await generate(s);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(s, c, `m${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));

    const refused = await post(s, c, 'one too many');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    // Answered with the CORS headers, so the widget on a partner's page sees the refusal.
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://partner.example');
    expect(await refused.json()).toEqual({ error: { code: 'too_many_messages', message: 'too many messages in this conversation; wait 1 s and send again' } });

    // Another resident is not affected, and after the second Retry-After names the first may send again.
    expect((await post(s, await generate(s), 'hello')).status).toBe(200);
    now += 1000;
    expect((await post(s, c, 'after waiting')).status).toBe(200);
    expect((await post(s, c, 'and at once again')).status).toBe(429);
  });

  it('an address is limited across all its conversations, each under its own limit', async () => {
    const conversations = [await generate(addressLimited), await generate(addressLimited), await generate(addressLimited)];
    const statuses = [];
    for (const c of conversations) for (let i = 0; i < 2; i++) statuses.push((await post(addressLimited, c, `from one address ${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const last = await post(addressLimited, conversations[2]!, 'again');
    expect(last.status).toBe(429);
    expect(await last.json()).toMatchObject({ error: { code: 'too_many_messages', message: expect.stringMatching(/from this address/) } });
    // A resident elsewhere is not affected; nor is this machine itself (a proxy without X-Forwarded-For, or a benchmark).
    expect((await post(addressLimited, conversations[2]!, 'from elsewhere', '198.51.100.7')).status).toBe(200);
    const local = await generate(addressLimited);
    const fromHere = [];
    for (let i = 0; i < 8; i++) fromHere.push((await post(addressLimited, local, `local ${i}`, null)).status);
    expect(fromHere).toEqual(Array(8).fill(200));
    // A client claiming to be this machine through the proxy is not: it is limited like anyone.
    const claims = [];
    for (const c of [await generate(addressLimited), await generate(addressLimited), await generate(addressLimited)]) {
      for (let i = 0; i < 2; i++) claims.push((await post(addressLimited, c, `spoofed ${i}`, '127.0.0.1')).status);
    }
    expect(claims).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('Direct Line streams', () => {
  it('a conversation has at most 4 open streams: a fifth is closed with 1008, the four keep getting replies', async () => {
    const c = await generate(s);
    const four = await Promise.all([1, 2, 3, 4].map(() => openStream(s.domain, c.conversationId, c.token)));
    try {
      await until(async () => s.streamStats(), (st) => st.open >= 4, 'four open streams');
      const fifth = await openStream(s.domain, c.conversationId, c.token);
      const code = await closed(fifth);
      expect(code).toEqual({ code: 1008, reason: 'at most 4 open streams per conversation' });

      const replies = four.map((ws) => replyOn(ws, 'to all four'));
      expect((await post(s, c, 'to all four')).status).toBe(200);
      await Promise.all(replies);

      // One tab closes; a new one is welcome again.
      four[0]!.close();
      await closed(four[0]!);
      const again = await openStream(s.domain, c.conversationId, c.token);
      const reply = replyOn(again, 'new tab');
      expect((await post(s, c, 'new tab')).status).toBe(200);
      await reply;
      again.close();
    } finally {
      for (const ws of four) ws.close();
    }
  });

  it('a client that stops reading is cut, though it keeps sending empty keep-alive frames; a reading client stays', async () => {
    const reading = await generate(s);
    const stalled = await generate(s);
    const reader = await openStream(s.domain, reading.conversationId, reading.token);
    const staller = await openStream(s.domain, stalled.conversationId, stalled.token);
    const stallerClosed = closed(staller);
    staller.pause();
    // Web Chat's own keep-alive: an empty frame now and then; it says nothing about reading.
    const keepSending = setInterval(() => staller.readyState === staller.OPEN && staller.send(''), 50);
    try {
      // Five ping intervals: the staller answers none (pings queue unread), the reader answers all.
      await new Promise((r) => setTimeout(r, 1000));
      expect(reader.readyState).toBe(reader.OPEN);
      const reply = replyOn(reader, 'still here');
      expect((await post(s, reading, 'still here')).status).toBe(200);
      await reply;

      await until(async () => s.streamStats(), (st) => st.cutUnresponsive >= 1, 'the stalled stream cut');
      staller.resume();
      // Cut, not closed politely: a peer that does not read cannot read a close frame either.
      expect((await stallerClosed).code).toBe(1006);
    } finally {
      clearInterval(keepSending);
      reader.close();
    }
  });
});
