/**
 * `npm run bench:memory` — the server's resident memory (RSS) idle and with many open Direct Line
 * WebSocket streams (target: < 150 MB with 1,000 streams).
 *
 * Starts a real server process (`node --import tsx src/main.ts`, LOG_LEVEL=warn) on a fresh schema
 * of its own on PostgreSQL, reads its VmRSS from /proc once start-up has settled (and again right
 * after a full GC asked for over the server's V8 inspector, with the V8 heap in use), then starts
 * MEMORY_STREAMS conversations with the Direct Line secret (so the anonymous token rate limit does
 * not apply; requests come straight from this machine, so the per-address message limits do not
 * either) and opens one WebSocket stream each, waits until every stream is open and has its
 * greeting, lets the server settle and reads the same again; then every resident sends one message
 * and waits for its replies on its stream, and the same is read a third time. Prints a table, closes
 * the streams, stops the server and drops the schema. Linux only (/proc).
 *
 * Environment: MEMORY_DATABASE_URL (default postgres://root@127.0.0.1:5432/test), MEMORY_STREAMS
 * (1000), MEMORY_CONCURRENCY (conversations started at once, 50), MEMORY_SETTLE_MS (5000),
 * MEMORY_MESSAGE=0 to skip the message round, MEMORY_LIMIT_MS (give up, default 300000).
 */
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { openBenchDb, POOL_MAX, redact, type BenchDb } from './benchDb.ts';
import { SECRET } from './directLineLoad.ts';
import { openConversation, sleep, type OpenConversation } from './directLineResident.ts';
import { DEFAULT_DATABASE_URL } from './runBench.ts';
import { withSearchPath } from './serverBench.ts';
import { startServer, type ServerProcess } from './serverProcess.ts';

const env = process.env;
const databaseUrl = env.MEMORY_DATABASE_URL || DEFAULT_DATABASE_URL;
const STREAMS = positive('MEMORY_STREAMS', 1000);
const CONCURRENCY = positive('MEMORY_CONCURRENCY', 50);
const SETTLE_MS = positive('MEMORY_SETTLE_MS', 5000);
const LIMIT_MS = positive('MEMORY_LIMIT_MS', 300_000);
const MESSAGE = env.MEMORY_MESSAGE !== '0';
/** How long one conversation may take to start, open its stream and bring its greeting. */
const STEP_TIMEOUT_MS = 30_000;
const SIGNING_KEY = 'bench-token-signing-key-0123456789abcdef';

function positive(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, not "${raw}"`);
  return n;
}

const log = (line: string) => console.log(`[memory] ${line}`);

/** VmRSS and VmHWM (peak) of a process, in kB, from /proc/<pid>/status. */
function memoryOf(pid: number): { rssKb: number; peakKb: number } {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (err) {
    throw new Error(`cannot read /proc/${pid}/status (Linux only, or the server is gone): ${(err as Error).message}`, { cause: err });
  }
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(m[1]);
  };
  return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
}

/** Waits `SETTLE_MS`, then takes the median of five RSS readings 200 ms apart. */
async function settledRss(server: ServerProcess): Promise<number> {
  await sleep(SETTLE_MS);
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    alive(server);
    readings.push(memoryOf(server.pid).rssKb);
    if (i < 4) await sleep(200);
  }
  return readings.sort((a, b) => a - b)[2]!;
}

/**
 * The server's V8 inspector (it is started with --inspect=127.0.0.1:0, which prints its address):
 * a full garbage collection on demand, and the heap figures from process.memoryUsage(), so that a
 * reading does not depend on when V8 last chose to collect.
 */
type MemoryUsage = ReturnType<typeof process.memoryUsage>;

interface Inspector {
  collectGarbage(): Promise<void>;
  memoryUsage(): Promise<MemoryUsage>;
  close(): void;
}

async function connectInspector(server: ServerProcess): Promise<Inspector> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(server.output())?.[1];
  if (!url) throw new Error(`the server did not print its inspector address: ${server.output().trim().slice(-500)}`);
  const ws = new WebSocket(url);
  await within(new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject))), 10_000, `inspector ${url}`);
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    const w = msg.id === undefined ? undefined : waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id!);
    if (msg.error) w.reject(new Error(`inspector: ${msg.error.message}`));
    else w.resolve(msg.result);
  });
  const call = (method: string, params: object = {}) => {
    const id = nextId++;
    const answer = new Promise<unknown>((resolve, reject) => waiting.set(id, { resolve, reject }));
    ws.send(JSON.stringify({ id, method, params }));
    return within(answer, 30_000, `inspector ${method}`);
  };
  return {
    collectGarbage: async () => void (await call('HeapProfiler.collectGarbage')),
    memoryUsage: async () => {
      const r = (await call('Runtime.evaluate', { expression: 'process.memoryUsage()', returnByValue: true })) as { result: { value: MemoryUsage } };
      return r.result.value;
    },
    close: () => ws.close(),
  };
}

interface Reading {
  /** Settled VmRSS as V8 left it, kB. */
  rssKb: number;
  /** VmRSS right after a full garbage collection, kB. */
  gcRssKb: number;
  /** V8 heap in use after that collection, kB. */
  heapUsedKb: number;
}

async function reading(server: ServerProcess, inspector: Inspector): Promise<Reading> {
  const rssKb = await settledRss(server);
  await inspector.collectGarbage();
  await sleep(500);
  const gcRssKb = memoryOf(server.pid).rssKb;
  const heapUsedKb = Math.round((await inspector.memoryUsage()).heapUsed / 1024);
  return { rssKb, gcRssKb, heapUsedKb };
}

function alive(server: ServerProcess): void {
  const ended = server.ended();
  if (ended) throw new Error(`server ended (${ended}): ${server.output().trim().slice(-1000)}`);
}

/** `p`, or a clear error after `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at once; the first failure stops it. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  if (failed !== undefined) throw failed;
}

interface Resident {
  conv: OpenConversation;
  /** Bot messages seen on the stream so far. */
  messages: { text: string }[];
  /** Called on each bot message (the current wait). */
  onChange?: () => void;
}

/** Until `resident` has `count` bot messages on its stream. */
function messagesUntil(r: Resident, count: number, what: string): Promise<void> {
  const reached = new Promise<void>((resolve) => {
    const check = () => {
      if (r.messages.length >= count) {
        r.onChange = undefined;
        resolve();
      }
    };
    r.onChange = check;
    check();
  });
  return within(reached, STEP_TIMEOUT_MS, `${what} (conversation ${r.conv.conversationId}: ${r.messages.length} of ${count} bot messages on the stream)`);
}

const mb = (kb: number) => (kb / 1024).toFixed(1);
const show = (r: Reading) => `RSS ${mb(r.rssKb)} MB, after GC ${mb(r.gcRssKb)} MB, V8 heap used ${mb(r.heapUsedKb)} MB`;

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    console.error(`[memory] gave up after ${LIMIT_MS} ms (MEMORY_LIMIT_MS)`);
    process.exit(1);
  }, LIMIT_MS);
  deadline.unref();

  let b: BenchDb | undefined;
  let server: ServerProcess | undefined;
  let inspector: Inspector | undefined;
  const residents: Resident[] = [];
  try {
    b = await openBenchDb('pg', databaseUrl);
    log(`database: ${b.where}`);
    const t0 = performance.now();
    server = await startServer('memory', {
      DATABASE_URL: withSearchPath(databaseUrl, b.schema!),
      DB_POOL_MAX: String(POOL_MAX),
      TOKEN_SIGNING_KEY: SIGNING_KEY,
      DIRECTLINE_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      FLOWS_WATCH: 'false',
      NODE_ENV: 'test',
      // The inspector on a free loopback port, for a full GC before each reading (see connectInspector).
      NODE_OPTIONS: '--inspect=127.0.0.1:0',
    });
    log(`server pid ${server.pid} ready on ${server.base} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${redact(databaseUrl)}, schema ${b.schema})`);

    inspector = await connectInspector(server);
    const idle = await reading(server, inspector);
    log(`idle: ${show(idle)}`);

    const base = `${server.base}/v3/directline`;
    const tOpen = performance.now();
    let opened = 0;
    await pool(STREAMS, CONCURRENCY, async (i) => {
      alive(server!);
      const conv = await within(openConversation(base, SECRET, `dl_memory_${i}`), STEP_TIMEOUT_MS, `conversation ${i}: start and open its stream`);
      if ('error' in conv) throw new Error(`conversation ${i}: ${conv.error}`);
      const r: Resident = { conv, messages: [] };
      residents.push(r);
      conv.onMessage((a) => {
        r.messages.push({ text: a.text ?? '' });
        r.onChange?.();
      });
      // The greeting (two bot messages) replayed on the stream: the stream is open and delivering.
      await messagesUntil(r, 2, `conversation ${i}: greeting`);
      opened++;
      if (opened % 250 === 0) log(`${opened} streams open`);
    });
    const openMs = performance.now() - tOpen;
    log(`${STREAMS} conversations started and streams open in ${(openMs / 1000).toFixed(1)} s`);

    const streams = await reading(server, inspector);
    log(`${STREAMS} open streams: ${show(streams)}`);

    let message: Reading | undefined;
    let messageMs: number | undefined;
    if (MESSAGE) {
      const tMsg = performance.now();
      await pool(residents.length, CONCURRENCY, async (i) => {
        alive(server!);
        const r = residents[i]!;
        const before = r.messages.length;
        const res = await within(r.conv.post(base, { text: 'English', value: 'en', clientActivityId: `${r.conv.userId}-1` }), STEP_TIMEOUT_MS, `conversation ${i}: POST`);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`conversation ${i}: POST answered ${res.status}`);
        // The shipped flow answers the language choice with two messages.
        await messagesUntil(r, before + 2, `conversation ${i}: replies to its message`);
      });
      messageMs = performance.now() - tMsg;
      log(`${residents.length} messages answered on their streams in ${(messageMs / 1000).toFixed(1)} s`);
      message = await reading(server, inspector);
      log(`${STREAMS} open streams after one message each: ${show(message)}`);
    }
    const peakKb = memoryOf(server.pid).peakKb;

    const perStream = (r: Reading, k: keyof Reading) => ((r[k] - idle[k]) / STREAMS).toFixed(1);
    const rows: [string, Reading][] = [[`${STREAMS} open streams`, streams]];
    if (message) rows.push([`${STREAMS} streams, one message each`, message]);
    console.log('');
    console.log(`Server memory, Direct Line over WebSocket, PostgreSQL (${new Date().toISOString()}); "after GC" = right after a full collection via the inspector:`);
    console.log('');
    console.log('| state | RSS MB | RSS after GC MB | V8 heap used after GC MB | KB per stream over idle: RSS / after GC / heap |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(`| idle | ${mb(idle.rssKb)} | ${mb(idle.gcRssKb)} | ${mb(idle.heapUsedKb)} | — |`);
    for (const [name, r] of rows) {
      console.log(`| ${name} | ${mb(r.rssKb)} | ${mb(r.gcRssKb)} | ${mb(r.heapUsedKb)} | ${perStream(r, 'rssKb')} / ${perStream(r, 'gcRssKb')} / ${perStream(r, 'heapUsedKb')} |`);
    }
    console.log(`| peak RSS (VmHWM) | ${mb(peakKb)} | | | |`);
    console.log('');
    console.log(`Time to start ${STREAMS} conversations and open their streams (${CONCURRENCY} at once): ${(openMs / 1000).toFixed(1)} s.`);
    if (messageMs !== undefined) console.log(`Time for one message each, answered on the stream (${CONCURRENCY} at once): ${(messageMs / 1000).toFixed(1)} s.`);
    const worst = Math.max(streams.rssKb, streams.gcRssKb);
    console.log(`Target with ${STREAMS} streams < 150 MB RSS: ${worst / 1024 < 150 ? 'met' : 'not met'} (${mb(worst)} MB).`);
  } finally {
    inspector?.close();
    for (const r of residents) r.conv.close();
    await server?.stop();
    await b?.close().catch((err: unknown) => console.error(`[memory] could not drop schema ${b?.schema}: ${(err as Error).message}`));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[memory] failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
