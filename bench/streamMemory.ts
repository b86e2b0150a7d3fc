/**
 * `npm run bench:memory` — the server's resident memory (RSS) idle and with many open Direct Line
 * WebSocket streams (target: < 150 MB with 1,000 streams).
 *
 * Starts a real server process (the compiled `node dist/main.js` that `npm start` runs; sources
 * through tsx with BENCH_FROM_SOURCES=1; LOG_LEVEL=warn) on a fresh schema
 * of its own on PostgreSQL, reads its VmRSS from /proc once start-up has settled (and again right
 * after a full GC asked for over the server's V8 inspector, with the V8 heap in use), then starts
 * MEMORY_STREAMS conversations with the Direct Line secret (so the anonymous token rate limit does
 * not apply; requests come straight from this machine, so the per-address message limits do not
 * either) and opens one WebSocket stream each, waits until every stream is open and has its
 * greeting, lets the server settle and reads the same again; then every resident sends one message
 * and waits for its replies on its stream, and the same is read a third time. Prints a table, closes
 * the streams, stops the server and drops the schema. Linux only (/proc).
 *
 * `npm run bench` runs the same through streamMemory() (1,000 streams; 50 with BENCH_QUICK=1) and puts
 * the table in its report (memoryMarkdown).
 *
 * Environment: MEMORY_DATABASE_URL (default postgres://root@127.0.0.1:5432/test), MEMORY_STREAMS
 * (1000), MEMORY_CONCURRENCY (conversations started at once, 50), MEMORY_SETTLE_MS (5000),
 * MEMORY_MESSAGE=0 to skip the message round, MEMORY_LIMIT_MS (give up, default 300000),
 * MEMORY_NODE_OPTIONS (more options for the server, e.g. `--max-semi-space-size=2` to measure a V8 flag).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { openBenchDb, POOL_MAX, redact, type BenchDb } from './benchDb.ts';
import { SECRET } from './directLineLoad.ts';
import { openConversation, sleep, type OpenConversation } from './directLineResident.ts';
import { DEFAULT_DATABASE_URL } from './runBench.ts';
import { withSearchPath } from './serverBench.ts';
import { startServer, type ServerProcess } from './serverProcess.ts';

const env = process.env;

export interface StreamMemoryConfig {
  databaseUrl: string;
  /** Open WebSocket streams (one conversation each). */
  streams: number;
  /** Conversations started at once. */
  concurrency: number;
  /** Wait before each RSS reading. */
  settleMs: number;
  /** One message per conversation, answered on its stream, then a third reading. */
  message: boolean;
  /** More Node options for the server (e.g. a V8 flag to measure), after the inspector's. */
  nodeOptions?: string | undefined;
  log: (line: string) => void;
}
/** How long one conversation may take to start, open its stream and bring its greeting. */
const STEP_TIMEOUT_MS = 30_000;
const SIGNING_KEY = 'bench-token-signing-key-0123456789abcdef';

/** A whole number ≥ 1 from the environment. */
function positive(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, not "${raw}"`);
  return n;
}


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

/** Waits `settleMs`, then takes the median of five RSS readings 200 ms apart. */
async function settledRss(server: ServerProcess, settleMs: number): Promise<number> {
  await sleep(settleMs);
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

export interface Reading {
  /** Settled VmRSS as V8 left it, kB. */
  rssKb: number;
  /** VmRSS right after a full garbage collection, kB. */
  gcRssKb: number;
  /** V8 heap in use after that collection, kB. */
  heapUsedKb: number;
}

async function reading(server: ServerProcess, inspector: Inspector, settleMs: number): Promise<Reading> {
  const rssKb = await settledRss(server, settleMs);
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

export interface StreamMemoryResult {
  /** The database the server used (password redacted). */
  where: string;
  streams: number;
  concurrency: number;
  idle: Reading;
  /** With every stream open and its greeting delivered. */
  open: Reading;
  /** After one message each, answered on the streams (undefined: message round skipped). */
  message?: Reading | undefined;
  /** VmHWM at the end. */
  peakKb: number;
  readyMs: number;
  openMs: number;
  messageMs?: number | undefined;
  /** Server CPU (user + system, ms) per conversation started with its stream opened, and per message answered. */
  cpuMsPerOpen?: number | undefined;
  cpuMsPerMessage?: number | undefined;
}

/**
 * One server process on a fresh schema of `databaseUrl`: its memory idle, with `streams` open
 * Direct Line WebSocket streams, and after one message on each (see the file's comment).
 */
export async function streamMemory(cfg: StreamMemoryConfig): Promise<StreamMemoryResult> {
  const log = cfg.log;
  let b: BenchDb | undefined;
  let server: ServerProcess | undefined;
  let inspector: Inspector | undefined;
  const residents: Resident[] = [];
  try {
    b = await openBenchDb('pg', cfg.databaseUrl);
    log(`database: ${b.where}`);
    const t0 = performance.now();
    server = await startServer('memory', {
      DATABASE_URL: withSearchPath(cfg.databaseUrl, b.schema!),
      DB_POOL_MAX: String(POOL_MAX),
      TOKEN_SIGNING_KEY: SIGNING_KEY,
      DIRECTLINE_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      FLOWS_WATCH: 'false',
      NODE_ENV: 'test',
      // The inspector on a free loopback port, for a full GC before each reading (see connectInspector).
      NODE_OPTIONS: ['--inspect=127.0.0.1:0', cfg.nodeOptions].filter(Boolean).join(' '),
    });
    const readyMs = performance.now() - t0;
    log(`server pid ${server.pid} ready on ${server.base} in ${(readyMs / 1000).toFixed(1)} s (${redact(cfg.databaseUrl)}, schema ${b.schema})`);

    inspector = await connectInspector(server);
    const idle = await reading(server, inspector, cfg.settleMs);
    log(`idle: ${show(idle)}`);

    const base = `${server.base}/v3/directline`;
    const tOpen = performance.now();
    const cpuOpen = server.cpuSeconds();
    let opened = 0;
    await pool(cfg.streams, cfg.concurrency, async (i) => {
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
    const cpuMsPerOpen = cpuMsPer(cfg.streams, cpuOpen, server.cpuSeconds());
    log(`${cfg.streams} conversations started and streams open in ${(openMs / 1000).toFixed(1)} s`);

    const open = await reading(server, inspector, cfg.settleMs);
    log(`${cfg.streams} open streams: ${show(open)}`);

    let message: Reading | undefined;
    let messageMs: number | undefined;
    let cpuMsPerMessage: number | undefined;
    if (cfg.message) {
      const tMsg = performance.now();
      const cpuMsg = server.cpuSeconds();
      await pool(residents.length, cfg.concurrency, async (i) => {
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
      cpuMsPerMessage = cpuMsPer(residents.length, cpuMsg, server.cpuSeconds());
      log(`${residents.length} messages answered on their streams in ${(messageMs / 1000).toFixed(1)} s`);
      message = await reading(server, inspector, cfg.settleMs);
      log(`${cfg.streams} open streams after one message each: ${show(message)}`);
    }
    const peakKb = memoryOf(server.pid).peakKb;
    return { where: b.where, streams: cfg.streams, concurrency: cfg.concurrency, idle, open, message, peakKb, readyMs, openMs, messageMs, cpuMsPerOpen, cpuMsPerMessage };
  } finally {
    inspector?.close();
    for (const r of residents) r.conv.close();
    await server?.stop();
    await b?.close().catch((err: unknown) => log(`could not drop schema ${b?.schema}: ${(err as Error).message}`));
  }
}

/** CPU ms per item between two cpuSeconds() readings (undefined off Linux). */
function cpuMsPer(n: number, from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : Math.round(((to - from) * 1000 * 100) / n) / 100;
}

/** The result as Markdown: a table (idle, with the streams, after a message each) and the target's verdict. */
export function memoryMarkdown(m: StreamMemoryResult): string[] {
  const perStream = (r: Reading, k: keyof Reading) => ((r[k] - m.idle[k]) / m.streams).toFixed(1);
  const rows: [string, Reading][] = [[`${m.streams} open streams`, m.open]];
  if (m.message) rows.push([`${m.streams} streams, one message each`, m.message]);
  const worst = Math.max(m.open.rssKb, m.open.gcRssKb);
  return [
    `One server process (${process.env.BENCH_FROM_SOURCES === '1' ? '`node --import tsx src/main.ts`' : 'compiled, `node dist/main.js` as `npm start` runs it'}, LOG_LEVEL=warn, Slack off) on ${m.where}; Direct Line over WebSocket; "after GC" = right after a full collection via the inspector:`,
    '',
    '| state | RSS MB | RSS after GC MB | V8 heap used after GC MB | KB per stream over idle: RSS / after GC / heap |',
    '|---|---:|---:|---:|---:|',
    `| idle | ${mb(m.idle.rssKb)} | ${mb(m.idle.gcRssKb)} | ${mb(m.idle.heapUsedKb)} | — |`,
    ...rows.map(([name, r]) => `| ${name} | ${mb(r.rssKb)} | ${mb(r.gcRssKb)} | ${mb(r.heapUsedKb)} | ${perStream(r, 'rssKb')} / ${perStream(r, 'gcRssKb')} / ${perStream(r, 'heapUsedKb')} |`),
    `| peak RSS (VmHWM) | ${mb(m.peakKb)} | | | |`,
    '',
    `Ready in ${(m.readyMs / 1000).toFixed(1)} s. Time to start ${m.streams} conversations and open their streams (${m.concurrency} at once): ${(m.openMs / 1000).toFixed(1)} s.` +
      (m.messageMs !== undefined ? ` One message each, answered on the stream: ${(m.messageMs / 1000).toFixed(1)} s.` : '') +
      (m.cpuMsPerOpen !== undefined ? ` Server CPU: ${m.cpuMsPerOpen} ms per conversation opened${m.cpuMsPerMessage !== undefined ? `, ${m.cpuMsPerMessage} ms per message` : ''}.` : ''),
    `Target < 150 MB RSS with ${m.streams} streams: ${worst / 1024 < 150 ? 'met' : 'not met'} (${mb(worst)} MB${m.streams === 1000 ? '' : '; the target is for 1,000 streams'}).`,
  ];
}

/** `npm run bench:memory`: settings from the environment, the table on stdout. */
async function main(): Promise<void> {
  const limitMs = positive('MEMORY_LIMIT_MS', 300_000);
  const deadline = setTimeout(() => {
    console.error(`[memory] gave up after ${limitMs} ms (MEMORY_LIMIT_MS)`);
    process.exit(1);
  }, limitMs);
  deadline.unref();
  const m = await streamMemory({
    databaseUrl: env.MEMORY_DATABASE_URL || DEFAULT_DATABASE_URL,
    streams: positive('MEMORY_STREAMS', 1000),
    concurrency: positive('MEMORY_CONCURRENCY', 50),
    settleMs: positive('MEMORY_SETTLE_MS', 5000),
    message: env.MEMORY_MESSAGE !== '0',
    nodeOptions: env.MEMORY_NODE_OPTIONS,
    log: (line) => console.log(`[memory] ${line}`),
  });
  console.log('');
  console.log(`Server memory (${new Date().toISOString()}):`);
  console.log('');
  for (const line of memoryMarkdown(m)) console.log(line);
}

// Run as a script (npm run bench:memory), not when runBench imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`[memory] failed: ${(err as Error).stack ?? String(err)}`);
      process.exit(1);
    },
  );
}
