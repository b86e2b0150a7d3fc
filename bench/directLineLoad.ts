import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { WebSocket } from 'ws';
import { createDirectLine } from '../src/channels/web/directline/createDirectLine.ts';
import type { Engine } from '../src/engine/port.ts';
import type { Db } from '../src/store/db.ts';
import { SCRIPT } from './script.ts';

export interface DirectLineResult {
  residents: number;
  thinkMs: number;
  /** Messages POSTed (the conversation start is not counted). */
  turns: number;
  /** Milliseconds from POST to the first reply of that turn arriving on the WebSocket. */
  latenciesMs: Float64Array;
  /** Expected bot replies that never arrived / arrived twice (same activity id). */
  lost: number;
  duplicated: number;
  /** Replies of a turn that came back wrong (count or content). */
  wrong: number;
  firstProblem?: string;
  wallMs: number;
}

interface Activity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; role?: string };
}

const SECRET = 'bench-direct-line-secret-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Anchorline's Direct Line endpoint on a real port, mounted as src/http/server.ts does,
 * with `residents` simulated Web Chat clients: start a conversation (the greeting is
 * script turn 1), open the WebSocket stream, then post turns 2-12 a think time apart;
 * no message is posted after `durationMs`.
 * Clients and server share this process and its cores.
 */
export async function directLineLoad(db: Db, engine: Engine, opts: { residents: number; thinkMs: number; durationMs: number }): Promise<DirectLineResult> {
  const logger = pino({ level: 'silent' });
  const dl = createDirectLine({ db, engine, logger, tokenSigningKey: 'bench-token-signing-key-0123456789abcdef', directLineSecret: SECRET, widgetOrigins: [] });
  const app = express();
  app.use('/v3/directline', dl.router);
  const server = http.createServer(app);
  dl.attachWebSocket(server);
  // Keep-alive so each resident reuses its connection, as a browser does.
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/directline`;

  const latencies: number[] = [];
  const deadline = performance.now() + opts.durationMs;
  let lost = 0;
  let duplicated = 0;
  let wrong = 0;
  let firstProblem: string | undefined;
  const problem = (p: string) => (firstProblem ??= p);

  const resident = async (n: number) => {
    await sleep(Math.random() * opts.thinkMs);
    const userId = `dl-user-${n}`;
    const started = await fetch(`${base}/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: userId } }),
    });
    if (started.status !== 201) {
      wrong++;
      problem(`start answered ${started.status}`);
      return;
    }
    const conv = (await started.json()) as { conversationId: string; token: string; streamUrl: string };
    const seen = new Set<string>();
    let waiting: { turn: number; t0: number; got: Activity[]; done: () => void } | undefined;
    const ws = new WebSocket(conv.streamUrl);
    const greeting: Activity[] = [];
    ws.on('message', (data: Buffer) => {
      if (!data.length) return;
      const set = JSON.parse(data.toString()) as { activities: Activity[] };
      for (const a of set.activities) {
        if (a.from.role === 'user' || a.type !== 'message') continue;
        if (seen.has(a.id)) {
          duplicated++;
          continue;
        }
        seen.add(a.id);
        if (!waiting) {
          greeting.push(a);
          continue;
        }
        if (!waiting.got.length) latencies.push(performance.now() - waiting.t0);
        waiting.got.push(a);
        if (waiting.got.length >= SCRIPT[waiting.turn]!.replies) waiting.done();
      }
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    // The stream replays what is already there (the greeting) from the start.
    const greetingBy = Date.now() + 10_000;
    while (greeting.length < SCRIPT[0]!.replies && Date.now() < greetingBy) await sleep(20);
    if (greeting.length !== SCRIPT[0]!.replies) {
      lost += Math.max(0, SCRIPT[0]!.replies - greeting.length);
      problem(`greeting: ${greeting.length} replies`);
    }
    for (let i = 1; i < SCRIPT.length; i++) {
      await sleep(opts.thinkMs * (0.5 + Math.random()));
      if (performance.now() > deadline) break;
      const s = SCRIPT[i]!;
      const arrived = new Promise<void>((done) => (waiting = { turn: i, t0: performance.now(), got: [], done }));
      const res = await fetch(`${base}/conversations/${encodeURIComponent(conv.conversationId)}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          from: { id: userId },
          text: s.text ?? s.peerText,
          ...(s.value !== undefined ? { value: s.value } : {}),
          channelData: { clientActivityID: `${userId}-${i}` },
        }),
      });
      await res.arrayBuffer();
      if (!res.ok) problem(`turn ${i + 1}: POST answered ${res.status}`);
      const timedOut = await Promise.race([arrived.then(() => false), sleep(15_000).then(() => true)]);
      const w = waiting!;
      waiting = undefined;
      if (timedOut) {
        lost += s.replies - w.got.length;
        problem(`turn ${i + 1}: ${w.got.length} of ${s.replies} replies within 15 s`);
      } else if (!(w.got.at(-1)?.text ?? '').includes(s.expect)) {
        wrong++;
        problem(`turn ${i + 1}: last reply lacks "${s.expect}"`);
      }
    }
    // Anything arriving after the last turn would be a duplicate or a stray.
    await sleep(50);
    ws.close();
  };

  const t0 = performance.now();
  try {
    await Promise.all(Array.from({ length: opts.residents }, (_, n) => resident(n)));
  } finally {
    await dl.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
  return {
    residents: opts.residents,
    thinkMs: opts.thinkMs,
    turns: latencies.length,
    latenciesMs: Float64Array.from(latencies),
    lost,
    duplicated,
    wrong,
    ...(firstProblem ? { firstProblem } : {}),
    wallMs: performance.now() - t0,
  };
}
