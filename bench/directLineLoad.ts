import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { createDirectLine } from '../src/channels/web/directline/createDirectLine.ts';
import type { Engine } from '../src/engine/port.ts';
import type { Db } from '../src/store/db.ts';
import { converse, newTally, sleep, type ResidentTurn } from './directLineResident.ts';
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

export const SECRET = 'bench-direct-line-secret-0123456789abcdef';

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

  const tally = newTally();
  const deadline = performance.now() + opts.durationMs;
  const script: ResidentTurn[] = SCRIPT.map((s) => ({ text: s.text ?? s.peerText, value: s.value, replies: s.replies, expect: s.expect }));
  const resident = async (n: number) => {
    await sleep(Math.random() * opts.thinkMs);
    await converse({ startBase: base, postBase: () => base, secret: SECRET, userId: `dl-user-${n}`, script, thinkMs: opts.thinkMs, deadline, tally });
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
    turns: tally.latencies.length,
    latenciesMs: Float64Array.from(tally.latencies),
    lost: tally.lost,
    duplicated: tally.duplicated,
    wrong: tally.wrong,
    ...(tally.firstProblem ? { firstProblem: tally.firstProblem } : {}),
    wallMs: performance.now() - t0,
  };
}
