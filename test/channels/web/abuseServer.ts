/**
 * A Direct Line server in a process of its own, for the abuse tests (issue 12): its memory and
 * its event loop are then its own, not shared with the test's clients. Started by
 * `startAbuseServer` (abuseServerProcess.ts) as `node --expose-gc --import tsx <this file>`;
 * prints `READY <port>` and serves, beside /v3/directline, a few test-only routes:
 *
 * - GET /test/memory: memory after a full garbage collection (rss, heapUsed, external, arrayBuffers), and CPU time used;
 * - GET /test/stats: open streams and why streams were closed, and CPU time used;
 * - POST /test/blast?conversation=&count=&bytes=: the bot writes `count` messages of `bytes`
 *   characters to a conversation in one statement and announces them (as the engine does).
 *
 * Settings come from the environment: KEEPALIVE_MS, MAX_BUFFERED_BYTES, MESSAGE_BURST (per conversation and
 * address, to see a flood without the limits).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { createDirectLine } from '../../../src/channels/web/directline/createDirectLine.ts';
import { MESSAGES_CHANNEL } from '../../../src/engine/port.ts';
import { createTestDb } from '../../helpers/testDb.ts';
import { createMinimalEngine } from './minimalEngine.ts';

const env = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);
const gc = (globalThis as { gc?: () => void }).gc;

const t = await createTestDb();
const engine = createMinimalEngine(t.db);
const keepAliveMs = env('KEEPALIVE_MS');
const maxBufferedBytes = env('MAX_BUFFERED_BYTES');
const burst = env('MESSAGE_BURST');
const dl = createDirectLine({
  db: t.db,
  engine,
  logger: pino({ level: 'silent' }),
  tokenSigningKey: 'k'.repeat(32),
  widgetOrigins: [],
  ...(keepAliveMs ? { keepAliveMs } : {}),
  ...(maxBufferedBytes ? { maxBufferedBytes } : {}),
  ...(burst ? { conversationRate: { perMinute: 60, burst }, addressRate: { perMinute: 600, burst } } : {}),
});

const app = express();
// As src/http/server.ts: X-Forwarded-For from this machine names the client (a proxy in front).
app.set('trust proxy', 'loopback');
app.use('/v3/directline', dl.router);
app.get('/test/memory', (_req, res) => {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  res.json({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, gc: !!gc, cpuMs: (cpu.user + cpu.system) / 1000 });
});
app.get('/test/stats', (_req, res) => {
  const cpu = process.cpuUsage();
  res.json({ ...dl.streamStats(), cpuMs: (cpu.user + cpu.system) / 1000 });
});
app.post('/test/blast', async (req, res) => {
  const conversationId = String(req.query.conversation);
  const count = Number(req.query.count);
  const bytes = Number(req.query.bytes);
  await t.db.transaction(async (tx) => {
    await tx.query(`INSERT INTO conversations (id, channel, user_id) VALUES ($1, 'directline', 'u') ON CONFLICT (id) DO NOTHING`, [conversationId]);
    await tx.query(
      `WITH c AS (UPDATE conversations SET last_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq)
       INSERT INTO messages (conversation_id, seq, direction, body)
       SELECT $1, c.last_seq - $2 + g, 'out', jsonb_build_object('type', 'text', 'text', repeat('x', $3::int), 'locale', 'en', 'dir', 'ltr')
       FROM c, generate_series(1, $2::int) g`,
      [conversationId, count, bytes],
    );
  });
  await t.db.query(`SELECT pg_notify($1, $2)`, [MESSAGES_CHANNEL, conversationId]);
  res.json({ ok: true });
});

const server = http.createServer(app);
// Longer than any pause in the tests: a connection the server drops as idle while a client reuses
// it fails that client's request (src/http/server.ts uses 5 s behind a proxy that keeps its own).
server.keepAliveTimeout = 60_000;
dl.attachWebSocket(server);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await dl.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await t.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
// The test process went away without stopping us.
process.stdin.on('end', () => void stop());
process.stdin.resume();
