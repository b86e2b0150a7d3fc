/**
 * Open-loop latency of one real server process on PostgreSQL (issue 16, part 4): messages go out
 * at a fixed rate whatever the replies do, like wrk2, over Direct Line HTTP + WebSocket, and latency
 * runs from the intended send time to the turn's first reply on the stream.
 *
 *   npx tsx bench/openLoop.ts            (BENCH_OPEN_RATES=100,200,400 BENCH_OPEN_SECONDS=60 by default)
 *
 * Environment: BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/test), BENCH_OPEN_RATES,
 * BENCH_OPEN_SECONDS, BENCH_OPEN_WARMUP_SECONDS (default 3), BENCH_QUICK=1 (one short rate).
 */
import http from 'node:http';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { openBenchDb, POOL_MAX, redact } from './benchDb.ts';
import { SECRET } from './directLineLoad.ts';
import { openConversation, type ResidentTurn } from './directLineResident.ts';
import { runOpenLoop, type LoopConversation, type OpenLoopResult, type TurnOutcome } from './openLoopSchedule.ts';
import { MAIN_SCRIPT, withSearchPath } from './serverBench.ts';
import { startServer, type ServerProcess } from './serverProcess.ts';
import { round } from './stats.ts';

export interface OpenLoopConfig {
  databaseUrl: string;
  /** Offered turns per second, one run each, in this order. */
  rates: number[];
  secondsPerRate: number;
  /** An unmeasured run at the first rate before the others, so the server's JIT is warm. */
  warmupSeconds: number;
  log: (line: string) => void;
}

/** Percentiles of one run in ms (nearest rank), rounded for the report. */
export interface OpenLoopPercentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface OpenLoopRun {
  offeredPerSec: number;
  seconds: number;
  scheduled: number;
  answered: number;
  achievedPerSec: number;
  /** Intended send time → first reply of the turn on the WebSocket. */
  latencyMs: OpenLoopPercentiles;
  /** Actual send → first reply (what a closed-loop client would have reported). */
  serviceMs: OpenLoopPercentiles;
  /** How late the client's own timer fired for sends that had a free conversation. */
  schedulingLagMs: OpenLoopPercentiles;
  late: number;
  notSent: number;
  conversations: number;
  lost: number;
  duplicated: number;
  wrong: number;
  firstProblem?: string;
  /** Server process CPU (/proc) per answered turn; conversation starts during the run included in the CPU. */
  serverCpuMsPerTurn?: number;
  /** This (client) process's CPU per answered turn. */
  clientCpuMsPerTurn: number;
  loadAvg: number[];
}

export type OpenLoopResults = { measured: true; where: string; warmupSeconds: number; runs: OpenLoopRun[] } | { measured: false; reason: string };

/** Exact percentiles from the sorted samples: 24,000 samples at 400/s for 60 s sort in milliseconds. */
export function percentiles(samples: Float64Array): OpenLoopPercentiles {
  const s = Float64Array.from(samples).sort();
  const n = s.length;
  const at = (q: number) => (n ? round(s[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!) : Number.NaN);
  return { count: n, p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: n ? round(s[n - 1]!) : Number.NaN };
}

const REPLY_TIMEOUT_MS = 10_000;

/**
 * Messages are posted with node:http on kept-alive sockets rather than fetch: the profile of the
 * generator showed undici's fetch as a quarter of the client's CPU, which at 400 turns/s competes
 * with the server for this machine's two cores.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

/**
 * POSTs a message to a conversation; resolves with the status once the answer has been read. A kept-alive
 * socket the server closed just as the request went out fails with ECONNRESET before the server read
 * anything: that one is retried once on a fresh socket, as the Node.js http docs advise.
 */
function postActivity(base: string, conversationId: string, token: string, body: string, retried = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/conversations/${encodeURIComponent(conversationId)}/activities`, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', (err: NodeJS.ErrnoException) => {
      if (!retried && req.reusedSocket && err.code === 'ECONNRESET') resolve(postActivity(base, conversationId, token, body, true));
      else reject(err);
    });
    req.end(body);
  });
}

/**
 * One resident's conversation of the shipped flow `main` (MAIN_SCRIPT) over Direct Line, opened and
 * greeted; each send posts the next scripted message and waits for that turn's replies.
 */
async function dlConversation(base: string, userId: string, script: readonly ResidentTurn[]): Promise<LoopConversation | { error: string }> {
  const conv = await openConversation(base, SECRET, userId);
  if ('error' in conv) return conv;
  const seen = new Set<string>();
  let duplicated = 0;
  let stray = 0;
  let strayProblem: string | undefined;
  let turn = 0;
  let got: Array<{ text: string; at: number }> = [];
  let wake: (() => void) | undefined;
  conv.onMessage((a) => {
    if (seen.has(a.id)) {
      duplicated++;
      return;
    }
    seen.add(a.id);
    if (got.length >= script[turn]!.replies) {
      stray++;
      strayProblem ??= `stray reply after turn ${turn + 1} of ${userId}: "${(a.text ?? '').slice(0, 40)}"`;
      return;
    }
    got.push({ text: a.text ?? '', at: performance.now() });
    if (got.length === script[turn]!.replies) wake?.();
  });
  const allIn = async () => {
    if (got.length >= script[turn]!.replies) return true;
    let timer: NodeJS.Timeout | undefined;
    const ok = await new Promise<boolean>((r) => {
      wake = () => r(true);
      timer = setTimeout(() => r(false), REPLY_TIMEOUT_MS);
    });
    clearTimeout(timer);
    wake = undefined;
    return ok;
  };
  const check = (what: string): TurnOutcome => {
    const s = script[turn]!;
    const firstReplyAt = got[0]?.at;
    if (got.length < s.replies) return { firstReplyAt, lost: s.replies - got.length, wrong: 0, problem: `${what}: ${got.length} of ${s.replies} replies within ${REPLY_TIMEOUT_MS} ms` };
    if (!got.at(-1)!.text.includes(s.expect)) return { firstReplyAt, lost: 0, wrong: 1, problem: `${what}: last reply lacks "${s.expect}": ${JSON.stringify(got.map((g) => g.text.slice(0, 60)))}` };
    return { firstReplyAt, lost: 0, wrong: 0 };
  };
  // The greeting (script turn 0) comes with the start; the conversation is ready once it is in.
  await allIn();
  const greeting = check(`greeting of ${userId}`);
  if (greeting.lost || greeting.wrong) {
    conv.close();
    return { error: greeting.problem! };
  }
  return {
    left: () => script.length - 1 - turn,
    send: async () => {
      turn++;
      got = [];
      const s = script[turn]!;
      const body = JSON.stringify({
        type: 'message',
        from: { id: userId },
        text: s.text,
        ...(s.value !== undefined ? { value: s.value } : {}),
        channelData: { clientActivityID: `${userId}-${turn}` },
      });
      const status = await postActivity(base, conv.conversationId, conv.token, body);
      const replied = allIn();
      if (status < 200 || status > 299) {
        await replied;
        return { ...check(`turn ${turn + 1} of ${userId}`), wrong: 1, problem: `turn ${turn + 1}: POST answered ${status}` };
      }
      await replied;
      return check(`turn ${turn + 1} of ${userId}`);
    },
    strays: () => ({ duplicated, wrong: stray, problem: strayProblem }),
    close: () => conv.close(),
  };
}

/** One rate against `server`: CPU of server and client read around the run. */
async function measureRate(server: ServerProcess, rate: number, seconds: number, tag: string): Promise<{ r: OpenLoopResult; serverCpuMs?: number; clientCpuMs: number }> {
  const base = `${server.base}/v3/directline`;
  let n = 0;
  const cpu0 = server.cpuSeconds();
  const c0 = process.cpuUsage();
  const r = await runOpenLoop({
    ratePerSec: rate,
    durationMs: seconds * 1000,
    // A quarter of a second's sends: each conversation then gets a message every ~250 ms at most.
    initialPool: Math.max(8, Math.ceil(rate / 4)),
    // Enough for the full rate up to ~500 ms per turn. Past that the server is far beyond the target, and
    // every extra conversation would add a start (a greeting turn) to the load it cannot carry: sends wait.
    maxPool: Math.max(16, Math.ceil(rate / 2)),
    drainMs: REPLY_TIMEOUT_MS,
    open: () => dlConversation(base, `${tag}-${n++}`, MAIN_SCRIPT),
  });
  const c = process.cpuUsage(c0);
  const cpu1 = server.cpuSeconds();
  return { r, ...(cpu0 !== undefined && cpu1 !== undefined ? { serverCpuMs: (cpu1 - cpu0) * 1000 } : {}), clientCpuMs: (c.user + c.system) / 1000 };
}

/**
 * One real server process on a fresh PostgreSQL schema (dropped after), an unmeasured warm-up, then
 * each offered rate for `secondsPerRate`. The server is always stopped, also on failure.
 */
export async function openLoopBench(cfg: OpenLoopConfig): Promise<OpenLoopResults> {
  const b = await openBenchDb('pg', cfg.databaseUrl);
  let server: ServerProcess | undefined;
  try {
    server = await startServer('open', {
      DATABASE_URL: withSearchPath(cfg.databaseUrl, b.schema!),
      DB_POOL_MAX: String(POOL_MAX),
      TOKEN_SIGNING_KEY: 'bench-token-signing-key-0123456789abcdef',
      DIRECTLINE_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      FLOWS_WATCH: 'false',
      NODE_ENV: 'test',
    });
    cfg.log(`open loop: server ready on ${server.base} (${redact(cfg.databaseUrl)}, schema ${b.schema})`);
    if (cfg.warmupSeconds > 0 && cfg.rates.length) await measureRate(server, cfg.rates[0]!, cfg.warmupSeconds, 'warm');
    const runs: OpenLoopRun[] = [];
    for (const rate of cfg.rates) {
      const { r, serverCpuMs, clientCpuMs } = await measureRate(server, rate, cfg.secondsPerRate, `r${rate}`);
      const per = Math.max(1, r.answered);
      const run: OpenLoopRun = {
        offeredPerSec: rate,
        seconds: cfg.secondsPerRate,
        scheduled: r.scheduled,
        answered: r.answered,
        achievedPerSec: round(r.achievedPerSec, 1),
        latencyMs: percentiles(r.latenciesMs),
        serviceMs: percentiles(r.serviceMs),
        schedulingLagMs: percentiles(r.schedulingLagMs),
        late: r.late,
        notSent: r.notSent,
        conversations: r.conversationsOpened,
        lost: r.lost,
        duplicated: r.duplicated,
        wrong: r.wrong,
        ...(r.firstProblem ? { firstProblem: r.firstProblem } : {}),
        ...(serverCpuMs !== undefined ? { serverCpuMsPerTurn: round(serverCpuMs / per) } : {}),
        clientCpuMsPerTurn: round(clientCpuMs / per),
        loadAvg: os.loadavg().map((x) => round(x)),
      };
      runs.push(run);
      cfg.log(openLoopLine(run));
    }
    return { measured: true, where: b.where, warmupSeconds: cfg.warmupSeconds, runs };
  } catch (err) {
    return { measured: false, reason: `failed: ${(err as Error).message}${server?.ended() ? `; server ended (${server.ended()}): ${server.output().trim().slice(-300)}` : ''}` };
  } finally {
    await server?.stop();
    await b.close();
  }
}

/** One line per rate for the log. */
export const openLoopLine = (x: OpenLoopRun) =>
  `open loop ${x.offeredPerSec}/s for ${x.seconds} s: achieved ${x.achievedPerSec}/s, p50 ${x.latencyMs.p50} p90 ${x.latencyMs.p90} p99 ${x.latencyMs.p99} p99.9 ${x.latencyMs.p999} max ${x.latencyMs.max} ms; client timer lag p99 ${x.schedulingLagMs.p99} ms; late ${x.late}, not sent ${x.notSent}, lost ${x.lost}, duplicated ${x.duplicated}, wrong ${x.wrong}; server CPU ${x.serverCpuMsPerTurn ?? '—'} ms/turn, client ${x.clientCpuMsPerTurn} ms/turn${x.firstProblem ? ` (${x.firstProblem})` : ''}`;

/**
 * Rates and duration from the environment (undefined: BENCH_OPEN_RATES=off); the quick run is one
 * short, low rate.
 */
export function openLoopSettings(env: NodeJS.ProcessEnv): Omit<OpenLoopConfig, 'databaseUrl' | 'log'> | undefined {
  const quick = env.BENCH_QUICK === '1';
  const rates = (env.BENCH_OPEN_RATES ?? (quick ? '50' : '100,200,400'))
    .split(',')
    .map(Number)
    .filter((x) => Number.isFinite(x) && x > 0);
  if (!rates.length) return undefined;
  return {
    rates,
    secondsPerRate: Number(env.BENCH_OPEN_SECONDS ?? (quick ? 2 : 60)),
    warmupSeconds: Number(env.BENCH_OPEN_WARMUP_SECONDS ?? (quick ? 0 : 3)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t0 = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${line}`);
  log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
  const settings = openLoopSettings(process.env) ?? { rates: [], secondsPerRate: 0, warmupSeconds: 0 };
  const r = await openLoopBench({ ...settings, databaseUrl: process.env.BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test', log });
  if (!r.measured) log(`open loop: not measured (${r.reason})`);
  log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
  process.exitCode = !r.measured || r.runs.some((x) => x.lost + x.duplicated + x.wrong + x.notSent > 0) ? 1 : 0;
}
