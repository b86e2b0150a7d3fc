/**
 * The stream hub's delivery paths (issue 16): a turn of this process hands its replies straight to
 * the conversation's open stream, notifications that arrive while such a turn runs are held back
 * and acted on when it ends, and the notification's older form (a bare conversation id, from a
 * process of the previous release) still delivers. Real server, real sockets, real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { MESSAGES_CHANNEL, parseMessagesNotice, type Engine } from '../../../src/engine/port.ts';
import { appendReplies } from '../../../src/store/conversations.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { openStream, until } from './abuseServerProcess.ts';
import { serveDirectLine, silentLogger, type Served } from './directLineHarness.ts';
import { createMinimalEngine } from './minimalEngine.ts';

let t: TestDb;
let s: Served;
/** While set, a turn waits for it before the engine runs it (`reached` says it is waiting). */
let gate: { open: Promise<void>; reached: () => void } | undefined;

beforeAll(async () => {
  t = await createTestDb();
  const inner = createMinimalEngine(t.db);
  const engine: Engine = {
    ...inner,
    async handleTurn(turn) {
      const g = gate;
      if (g) {
        g.reached();
        await g.open;
      }
      return inner.handleTurn(turn);
    },
  };
  s = await serveDirectLine({ db: t.db, engine, logger: silentLogger, tokenSigningKey: 'k'.repeat(32), widgetOrigins: [] });
});
afterAll(async () => {
  await s?.close();
  await t?.close();
});

interface Frame {
  activities: Array<{ id: string; type: string; text?: string }>;
  watermark?: string;
}

/** A conversation with an open stream that records every frame it receives. */
async function conversation() {
  const res = await fetch(`${s.domain}/tokens/generate`, { method: 'POST' });
  const c = (await res.json()) as { conversationId: string; token: string };
  const ws: WebSocket = await openStream(s.domain, c.conversationId, c.token);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  const post = (text: string, clientActivityID: string) =>
    fetch(`${s.domain}/conversations/${c.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, channelData: { clientActivityID } }),
    });
  const texts = () => frames.flatMap((f) => f.activities.filter((a) => a.type === 'message').map((a) => a.text));
  return { ...c, ws, frames, post, texts };
}

/** Stored activities reach the stream once each, in seq order, and each frame's watermark is its last activity's seq. */
function expectLogOrder(frames: Frame[]): void {
  const stored = frames.filter((f) => f.watermark !== undefined);
  const ids = stored.flatMap((f) => f.activities.map((a) => a.id));
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(ids);
  for (const f of stored) expect(Number(f.watermark)).toBe(Number(f.activities.at(-1)!.id.split('|').pop()));
}

describe('Direct Line stream hub', () => {
  it("a turn's echo and reply reach the stream once, in order, with the watermark of the last", async () => {
    const c = await conversation();
    try {
      expect((await c.post('hello', 'c1')).status).toBe(200);
      await until(async () => c.texts(), (x) => x.includes('You said: hello'), 'the reply');
      expect((await c.post('again', 'c2')).status).toBe(200);
      await until(async () => c.texts(), (x) => x.includes('You said: again'), 'the second reply');
      expect(c.texts()).toEqual(['hello', 'You said: hello', 'again', 'You said: again']);
      expectLogOrder(c.frames);
    } finally {
      c.ws.close();
    }
  });

  it('an adviser line written while a turn runs here still reaches the stream, when that turn writes nothing (a repeated message)', async () => {
    const c = await conversation();
    try {
      expect((await c.post('hello', 'c1')).status).toBe(200);
      await until(async () => c.texts(), (x) => x.includes('You said: hello'), 'the reply');
      let open!: () => void;
      let reached!: () => void;
      const waiting = new Promise<void>((r) => (reached = r));
      gate = { open: new Promise<void>((r) => (open = r)), reached };
      // The same message again (Web Chat retrying): a repeat, so this turn writes and announces nothing.
      const repeat = c.post('hello', 'c1');
      await waiting;
      gate = undefined;
      // Another process relays an adviser's line meanwhile; its notification arrives during the turn.
      await t.db.transaction((tx) => appendReplies(tx, c.conversationId, [{ type: 'adviser', text: 'Hello, this is Sam' }], MESSAGES_CHANNEL));
      await new Promise((r) => setTimeout(r, 200));
      open();
      expect((await repeat).status).toBe(200);
      await until(async () => c.texts(), (x) => x.includes('Hello, this is Sam'), "the adviser's line");
      await new Promise((r) => setTimeout(r, 100));
      expect(c.texts()).toEqual(['hello', 'You said: hello', 'Hello, this is Sam']);
      expectLogOrder(c.frames);
    } finally {
      gate = undefined;
      c.ws.close();
    }
  });

  it('a message announced in the older form (the bare conversation id) still reaches the stream', async () => {
    const c = await conversation();
    try {
      expect((await c.post('hello', 'c1')).status).toBe(200);
      await until(async () => c.texts(), (x) => x.includes('You said: hello'), 'the reply');
      await t.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ last_seq: number }>('UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq', [c.conversationId]);
        await tx.query(`INSERT INTO messages (conversation_id, seq, direction, body) VALUES ($1, $2, 'out', $3)`, [
          c.conversationId,
          rows[0]!.last_seq,
          JSON.stringify({ type: 'adviser', text: 'From the old release' }),
        ]);
        await tx.query('SELECT pg_notify($1, $2)', [MESSAGES_CHANNEL, c.conversationId]);
      });
      await until(async () => c.texts(), (x) => x.includes('From the old release'), 'the message');
      expect(c.texts()).toEqual(['hello', 'You said: hello', 'From the old release']);
      expectLogOrder(c.frames);
    } finally {
      c.ws.close();
    }
  });

  it('a stream opened on a long transcript gets all of it, in order, once (it is read a page at a time)', async () => {
    const c = await conversation();
    try {
      expect((await c.post('hello', 'c1')).status).toBe(200);
      await until(async () => c.texts(), (x) => x.includes('You said: hello'), 'the reply');
      const lines = Array.from({ length: 250 }, (_, i) => `line ${i + 1}`);
      await t.db.transaction((tx) => appendReplies(tx, c.conversationId, lines.map((text) => ({ type: 'adviser' as const, text })), MESSAGES_CHANNEL));
      await until(async () => c.texts(), (x) => x.includes('line 250'), 'the last line on the open stream');
      // A page reload: a second stream from the start.
      const again: WebSocket = await openStream(s.domain, c.conversationId, c.token);
      const frames: Frame[] = [];
      again.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
      const texts = () => frames.flatMap((f) => f.activities.filter((a) => a.type === 'message').map((a) => a.text));
      await until(async () => texts(), (x) => x.includes('line 250'), 'the last line on the new stream');
      await new Promise((r) => setTimeout(r, 100));
      again.close();
      expect(texts()).toEqual(['hello', 'You said: hello', ...lines]);
      expect(c.texts()).toEqual(['hello', 'You said: hello', ...lines]);
      expectLogOrder(frames);
      expectLogOrder(c.frames);
    } finally {
      c.ws.close();
    }
  });

  it('reads both forms of the notification payload', () => {
    expect(parseMessagesNotice('dl-abc_1 42')).toEqual({ conversationId: 'dl-abc_1', lastSeq: 42 });
    expect(parseMessagesNotice('dl-abc_1')).toEqual({ conversationId: 'dl-abc_1' });
    expect(parseMessagesNotice('19:abc@thread.skype;messageid=7')).toEqual({ conversationId: '19:abc@thread.skype;messageid=7' });
  });
});
