import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { anchorlineSystem, ROOT, type System } from './anchorline.ts';
import { openBenchDb, type BenchDb, type BenchDriver } from './benchDb.ts';
import { directLineLoad } from './directLineLoad.ts';
import { closedLoop, paced, type LoadResult } from './load.ts';
import { openLoopBench, openLoopSettings, type OpenLoopConfig, type OpenLoopResults } from './openLoop.ts';
import { peerSystem } from './peer/peerSystem.ts';
import { renderMarkdown, renderTable } from './report.ts';
import { serverBench, type ServerBenchConfig, type ServerBenchResults } from './serverBench.ts';
import { streamMemory, type StreamMemoryConfig, type StreamMemoryResult } from './streamMemory.ts';
import { SCRIPT } from './script.ts';
import { round, summarise, type LatencySummary } from './stats.ts';
import { runStartupBench, type StartupResults } from './startup.ts';

export interface BenchConfig {
  quick: boolean;
  drivers: BenchDriver[];
  databaseUrl: string;
  /** Concurrent conversations for the closed-loop runs. */
  levels: number[];
  /** Whole conversations run at each level (at least the level itself). */
  conversations: (level: number) => number;
  warmupConversations: number;
  /** Closed-loop runs stop starting turns after this long (a 500-wide run would otherwise dominate the time). */
  closedMaxMs: number;
  /** Idle conversations created to measure heap growth (reported per 10,000). */
  idleConversations: number;
  /** Residents with think time, on PostgreSQL only (undefined: skipped). */
  paced?: { residents: number; thinkMs: number; durationMs: number } | undefined;
  directLine?: { residents: number; thinkMs: number; durationMs: number } | undefined;
  /** Real server processes on PostgreSQL: scaling 1 → 2 processes and Slack ack latency (undefined: skipped). */
  servers?: Omit<ServerBenchConfig, 'databaseUrl' | 'log'> | undefined;
  /** Open-loop latency of one server process on PostgreSQL (bench/openLoop.ts; undefined: skipped). */
  openLoop?: Omit<OpenLoopConfig, 'databaseUrl' | 'log'> | undefined;
  /** One server's RSS idle and with many open WebSocket streams, on PostgreSQL (bench/streamMemory.ts; undefined: skipped). */
  memory?: Omit<StreamMemoryConfig, 'databaseUrl' | 'log'> | undefined;
  /** Where to write JSON and Markdown (undefined: nowhere). */
  resultsDir?: string | undefined;
  log: (line: string) => void;
}

export const DEFAULT_DATABASE_URL = 'postgres://root@127.0.0.1:5432/test';

export function configFromEnv(env: NodeJS.ProcessEnv, log: (line: string) => void = console.log): BenchConfig {
  const quick = env.BENCH_QUICK === '1';
  const databaseUrl = env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL;
  const drivers = (env.BENCH_DRIVERS ?? 'pglite,pg').split(',').filter((d): d is BenchDriver => d === 'pg' || d === 'pglite');
  if (quick) {
    return {
      quick,
      drivers,
      databaseUrl,
      levels: [1, 5],
      conversations: (c) => Math.max(c, 3),
      warmupConversations: 1,
      closedMaxMs: 10_000,
      idleConversations: 50,
      paced: { residents: 5, thinkMs: 20, durationMs: 2_000 },
      directLine: { residents: 3, thinkMs: 20, durationMs: 2_000 },
      servers: { scaling: { processes: [1, 2], residents: 2, thinkMs: 0, durationMs: 10_000, turnsPerConversation: 3, conversationsPerResident: 1 }, slackEvents: 5 },
      openLoop: openLoopSettings(env),
      memory: { streams: 50, concurrency: 25, settleMs: 1000, message: true },
      resultsDir: path.join(ROOT, 'bench', 'results'),
      log,
    };
  }
  return {
    quick,
    drivers,
    databaseUrl,
    levels: [1, 50, 500],
    conversations: (c) => (c === 1 ? 20 : Math.max(c, 100)),
    warmupConversations: 20,
    closedMaxMs: 15_000,
    idleConversations: Number(env.BENCH_IDLE ?? 10_000),
    paced: { residents: 500, thinkMs: Number(env.BENCH_THINK_MS ?? 5000), durationMs: 15_000 },
    directLine: { residents: Number(env.BENCH_DL_RESIDENTS ?? 200), thinkMs: Number(env.BENCH_THINK_MS ?? 5000), durationMs: 15_000 },
    servers: {
      scaling: { processes: [1, 2], residents: Number(env.BENCH_SCALE_RESIDENTS ?? 40), thinkMs: Number(env.BENCH_SCALE_THINK_MS ?? 0), durationMs: 10_000, turnsPerConversation: 6 },
      slackEvents: Number(env.BENCH_SLACK_EVENTS ?? 100),
    },
    openLoop: openLoopSettings(env),
    memory: { streams: Number(env.BENCH_MEMORY_STREAMS ?? 1000), concurrency: 50, settleMs: 5000, message: true },
    resultsDir: path.join(ROOT, 'bench', 'results'),
    log,
  };
}

export interface Row {
  driver: BenchDriver;
  system: string;
  mode: 'closed' | 'paced';
  concurrency: number;
  turns: number;
  errors: number;
  turnsPerSec: number;
  latencyMs: LatencySummary;
  roundTripsPerTurn: number;
  /** CPU time of this Node process per turn (user + system); with PGlite it includes the database. */
  cpuMsPerTurn: number;
  /** CPU time of the benchmark's own PostgreSQL backends per turn (pg only; the database is local). */
  dbCpuMsPerTurn?: number | undefined;
}

export interface TurnCost {
  turn: number;
  input: string;
  anchorlineRoundTrips: number;
  peerRoundTrips: number;
  /** octet_length(snapshot::text) after the turn. */
  anchorlineSnapshotBytes: number;
  /** Bot Framework conversation + user state documents after the turn. */
  peerStateBytes: number;
}

export interface BenchResults {
  date: string;
  command: string;
  quick: boolean;
  machine: { cores: number; cpu: string; node: string; platform: string; loadAvgStart: number[]; loadAvgEnd: number[]; sharedNote: string };
  databases: Record<string, string>;
  rows: Row[];
  ratios: Array<{ driver: BenchDriver; concurrency: number; mode: 'closed' | 'paced'; anchorline: number; peer: number; ratio: number }>;
  cost: Partial<Record<BenchDriver, { perTurn: TurnCost[]; completedSnapshot: { avgBytes: number; maxBytes: number } }>>;
  heap?: { driver: BenchDriver; conversations: number; gcForced: boolean; heapBeforeMb: number; heapAfterMb: number; bytesPerConversation: number; mbPer10k: number; wallMs: number };
  directLine?: { measured: true; driver: BenchDriver; residents: number; thinkMs: number; turns: number; latencyMs: LatencySummary; lost: number; duplicated: number; wrong: number; firstProblem?: string } | { measured: false; reason: string };
  /** Real server processes: scaling 1 → 2 and Slack ack latency. */
  servers?: ServerBenchResults;
  /** Open-loop latency at fixed offered rates, one server process. */
  openLoop?: OpenLoopResults;
  /** One server's memory with open WebSocket streams (bench/streamMemory.ts). */
  memory?: StreamMemoryResult;
  /** Spawn → /readyz 200 of the compiled server (bench/startup.ts). */
  startup?: StartupResults;
  problems: string[];
  elapsedSec: number;
}

/** A forced full GC when V8 allows it at run time (no --expose-gc flag needed). */
function gcFunction(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `fn`, counting database round trips and this process's CPU time. */
async function measured(b: BenchDb, fn: () => Promise<LoadResult>): Promise<{ r: LoadResult; roundTrips: number; cpuMs: number; dbCpuMs?: number | undefined }> {
  const d0 = await b.dbCpuSeconds?.();
  const r0 = b.db.roundTrips;
  const c0 = process.cpuUsage();
  const r = await fn();
  const c = process.cpuUsage(c0);
  const roundTrips = b.db.roundTrips - r0;
  const d1 = await b.dbCpuSeconds?.();
  return { r, roundTrips, cpuMs: (c.user + c.system) / 1000, dbCpuMs: d0 !== undefined && d1 !== undefined ? (d1 - d0) * 1000 : undefined };
}

const rowOf = (driver: BenchDriver, system: System, mode: Row['mode'], concurrency: number, { r, roundTrips, cpuMs, dbCpuMs }: { r: LoadResult; roundTrips: number; cpuMs: number; dbCpuMs?: number | undefined }): Row => ({
  driver,
  system: system.name,
  mode,
  concurrency,
  turns: r.turns,
  errors: r.errors,
  turnsPerSec: round((r.turns / r.wallMs) * 1000, 1),
  latencyMs: Object.fromEntries(Object.entries(summarise(r.latenciesMs)).map(([k, v]) => [k, round(v)])) as unknown as LatencySummary,
  roundTripsPerTurn: round(roundTrips / Math.max(1, r.turns)),
  cpuMsPerTurn: round(cpuMs / Math.max(1, r.turns)),
  dbCpuMsPerTurn: dbCpuMs === undefined ? undefined : round(dbCpuMs / Math.max(1, r.turns)),
});

/** Runs one conversation turn by turn, reading round trips and stored bytes after each. */
async function perTurnCost(b: BenchDb, a: System, p: System, id: string): Promise<TurnCost[]> {
  const out: TurnCost[] = [];
  for (let i = 0; i < SCRIPT.length; i++) {
    const s = SCRIPT[i]!;
    let r0 = b.db.roundTrips;
    await a.turn(`${id}-a`, s, i);
    const anchorlineRoundTrips = b.db.roundTrips - r0;
    r0 = b.db.roundTrips;
    await p.turn(`${id}-p`, s, i);
    const peerRoundTrips = b.db.roundTrips - r0;
    const snap = await b.db.query<{ n: number }>('SELECT coalesce(octet_length(snapshot::text), 0)::int AS n FROM conversations WHERE id = $1', [`${id}-a`]);
    const state = await b.db.query<{ n: number }>('SELECT coalesce(sum(octet_length(doc::text)), 0)::int AS n FROM bf_storage WHERE id = ANY($1::text[])', [
      [`directline/conversations/${id}-p/`, `directline/users/u-${id}-p/`],
    ]);
    out.push({
      turn: i + 1,
      input: s.value !== undefined ? `[button ${s.value}]` : JSON.stringify(s.text),
      anchorlineRoundTrips,
      peerRoundTrips,
      anchorlineSnapshotBytes: snap.rows[0]?.n ?? 0,
      peerStateBytes: state.rows[0]?.n ?? 0,
    });
  }
  p.forget(`${id}-p`);
  return out;
}

export async function runBench(cfg: BenchConfig): Promise<BenchResults> {
  const started = performance.now();
  const log = cfg.log;
  const cpus = os.cpus();
  const results: BenchResults = {
    date: new Date().toISOString(),
    command: cfg.quick ? 'BENCH_QUICK=1 npm run bench' : 'npm run bench',
    quick: cfg.quick,
    machine: {
      cores: cpus.length,
      cpu: cpus[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      loadAvgStart: os.loadavg().map((x) => round(x)),
      loadAvgEnd: [],
      sharedNote: 'The cores are shared with other engineers running test suites during the run; see the load averages.',
    },
    databases: {},
    rows: [],
    ratios: [],
    cost: {},
    problems: [],
    elapsedSec: 0,
  };
  const gc = gcFunction();

  for (const driver of cfg.drivers) {
    let b: BenchDb;
    try {
      b = await openBenchDb(driver, cfg.databaseUrl);
    } catch (err) {
      const msg = `${driver}: not measured, could not open the database (${(err as Error).message})`;
      results.problems.push(msg);
      log(msg);
      continue;
    }
    results.databases[driver] = b.where;
    log(`== ${driver}: ${b.where}`);
    const a = await anchorlineSystem(b.db);
    const p = await peerSystem(b.db);
    try {
      for (const s of [a, p]) await closedLoop(s, { concurrency: 5, conversations: cfg.warmupConversations, prefix: `warm-${s.name}` });
      for (const c of cfg.levels) {
        const byName = new Map<string, Row>();
        // Alternate which system goes first so neither always runs on a warmer (or busier) machine.
        const order = cfg.levels.indexOf(c) % 2 === 0 ? [a, p] : [p, a];
        for (const s of order) {
          const m = await measured(b, () => closedLoop(s, { concurrency: c, conversations: cfg.conversations(c), prefix: `c${c}-${s === a ? 'a' : 'p'}`, maxMs: cfg.closedMaxMs }));
          const row = rowOf(driver, s, 'closed', c, m);
          if (m.r.firstError) results.problems.push(m.r.firstError);
          results.rows.push(row);
          byName.set(s.name, row);
          log(`${driver} ${s.name.padEnd(18)} c=${String(c).padEnd(4)} ${row.turnsPerSec} turns/s p50 ${row.latencyMs.p50} p99 ${row.latencyMs.p99} ms, ${row.roundTripsPerTurn} round trips/turn, ${row.cpuMsPerTurn} CPU ms/turn${row.dbCpuMsPerTurn === undefined ? '' : ` + ${row.dbCpuMsPerTurn} in PostgreSQL`}, ${row.errors} errors`);
        }
        const an = byName.get(a.name)!.turnsPerSec;
        const pe = byName.get(p.name)!.turnsPerSec;
        results.ratios.push({ driver, concurrency: c, mode: 'closed', anchorline: an, peer: pe, ratio: round(an / pe) });
      }

      const perTurn = await perTurnCost(b, a, p, `cost-${driver}`);
      const snaps = await b.db.query<{ avg: number; max: number }>(
        `SELECT round(avg(octet_length(snapshot::text)))::int AS avg, max(octet_length(snapshot::text))::int AS max FROM conversations WHERE id LIKE 'c%-a-%' AND status = 'ended'`,
      );
      results.cost[driver] = { perTurn, completedSnapshot: { avgBytes: snaps.rows[0]?.avg ?? 0, maxBytes: snaps.rows[0]?.max ?? 0 } };

      if (driver === 'pg' || !cfg.drivers.includes('pg')) {
        if (cfg.paced) {
          const byName = new Map<string, Row>();
          for (const s of [a, p]) {
            const m = await measured(b, () => paced(s, { ...cfg.paced!, prefix: `paced-${s === a ? 'a' : 'p'}` }));
            const row = rowOf(driver, s, 'paced', cfg.paced.residents, m);
            if (m.r.firstError) results.problems.push(m.r.firstError);
            results.rows.push(row);
            byName.set(s.name, row);
            log(`${driver} ${s.name.padEnd(18)} paced ${cfg.paced.residents} residents, think ~${cfg.paced.thinkMs} ms: ${row.turnsPerSec} turns/s p50 ${row.latencyMs.p50} p99 ${row.latencyMs.p99} ms`);
          }
          results.ratios.push({ driver, concurrency: cfg.paced.residents, mode: 'paced', anchorline: byName.get(a.name)!.latencyMs.p99, peer: byName.get(p.name)!.latencyMs.p99, ratio: round(byName.get(p.name)!.latencyMs.p99 / byName.get(a.name)!.latencyMs.p99) });
        }

        // Heap: idle conversations are rows, not objects; the process should keep ~nothing per conversation.
        gc?.();
        gc?.();
        const before = process.memoryUsage().heapUsed;
        const h0 = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: 50 }, async () => {
            while (next < cfg.idleConversations) await a.turn(`idle-${next++}`, SCRIPT[0]!, 0);
          }),
        );
        const wallMs = performance.now() - h0;
        gc?.();
        gc?.();
        const after = process.memoryUsage().heapUsed;
        const per = (after - before) / cfg.idleConversations;
        results.heap = {
          driver,
          conversations: cfg.idleConversations,
          gcForced: gc !== undefined,
          heapBeforeMb: round(before / 2 ** 20),
          heapAfterMb: round(after / 2 ** 20),
          bytesPerConversation: round(per, 1),
          mbPer10k: round((per * 10_000) / 2 ** 20, 3),
          wallMs: round(wallMs, 0),
        };
        log(`heap: ${cfg.idleConversations} idle conversations → ${results.heap.mbPer10k} MB per 10,000 (${results.heap.bytesPerConversation} B each, GC ${gc ? 'forced' : 'not forced'})`);

        if (cfg.directLine) {
          try {
            const r = await directLineLoad(b.db, a.engine, cfg.directLine);
            results.directLine = {
              measured: true,
              driver,
              residents: r.residents,
              thinkMs: r.thinkMs,
              turns: r.turns,
              latencyMs: Object.fromEntries(Object.entries(summarise(r.latenciesMs)).map(([k, v]) => [k, round(v)])) as unknown as LatencySummary,
              lost: r.lost,
              duplicated: r.duplicated,
              wrong: r.wrong,
              ...(r.firstProblem ? { firstProblem: r.firstProblem } : {}),
            };
            log(`direct line: ${r.residents} residents, ${r.turns} turns, p50 ${results.directLine.latencyMs.p50} p99 ${results.directLine.latencyMs.p99} ms, lost ${r.lost} duplicated ${r.duplicated} wrong ${r.wrong}`);
          } catch (err) {
            results.directLine = { measured: false, reason: `failed: ${(err as Error).message}` };
            results.problems.push(`direct line: ${(err as Error).message}`);
          }
        }
      }
    } finally {
      a.cleanup();
      await b.close();
    }
  }
  if (cfg.servers) {
    if (!cfg.drivers.includes('pg')) {
      const reason = 'needs PostgreSQL: several server processes share one database (BENCH_DRIVERS without pg)';
      results.servers = { where: '', scaling: { measured: false, reason }, slack: { measured: false, reason } };
    } else {
      log(`== server processes on pg: ${cfg.servers.scaling.processes.join(' and ')} process(es), then Slack`);
      try {
        results.servers = await serverBench({ ...cfg.servers, databaseUrl: cfg.databaseUrl, log });
      } catch (err) {
        const reason = `failed: ${(err as Error).message}`;
        results.servers = { where: '', scaling: { measured: false, reason }, slack: { measured: false, reason } };
      }
      for (const [what, m] of [['scaling', results.servers.scaling], ['slack', results.servers.slack]] as const) {
        if (!m.measured) results.problems.push(`${what}: ${m.reason}`);
      }
      const { scaling, slack } = results.servers;
      for (const run of scaling.measured ? scaling.runs : []) {
        if (run.lost + run.duplicated + run.wrong > 0) results.problems.push(`scaling, ${run.processes} process(es): lost ${run.lost}, duplicated ${run.duplicated}, wrong ${run.wrong}; first: ${run.firstProblem}`);
      }
      if (slack.measured && slack.notAcked + slack.lostRelays + slack.duplicatedRelays > 0) results.problems.push(`slack: not acknowledged ${slack.notAcked}, relays lost ${slack.lostRelays}, duplicated ${slack.duplicatedRelays}; first: ${slack.firstProblem}`);
    }
  }
  if (cfg.openLoop) {
    if (!cfg.drivers.includes('pg')) results.openLoop = { measured: false, reason: 'needs PostgreSQL: the server process runs on it (BENCH_DRIVERS without pg)' };
    else {
      log(`== open loop on pg: ${cfg.openLoop.rates.join(', ')} turns/s offered, ${cfg.openLoop.secondsPerRate} s each`);
      results.openLoop = await openLoopBench({ ...cfg.openLoop, databaseUrl: cfg.databaseUrl, log });
      if (!results.openLoop.measured) results.problems.push(`open loop: ${results.openLoop.reason}`);
      for (const x of results.openLoop.measured ? results.openLoop.runs : []) {
        if (x.lost + x.duplicated + x.wrong > 0) results.problems.push(`open loop ${x.offeredPerSec}/s: lost ${x.lost}, duplicated ${x.duplicated}, wrong ${x.wrong}, not sent ${x.notSent}; first: ${x.firstProblem}`);
      }
    }
  }
  if (cfg.memory && cfg.drivers.includes('pg')) {
    log(`== server memory on pg: idle, then ${cfg.memory.streams} open WebSocket streams`);
    try {
      results.memory = await streamMemory({ ...cfg.memory, databaseUrl: cfg.databaseUrl, log: (line) => log(`memory: ${line}`) });
    } catch (err) {
      results.problems.push(`memory: failed: ${(err as Error).message}`);
    }
  }
  log('== start-up of the compiled server (embedded fresh and existing, then PostgreSQL)');
  results.startup = await runStartupBench({ runs: cfg.quick ? 1 : 3, databaseUrl: cfg.drivers.includes('pg') ? cfg.databaseUrl : undefined, log }).catch(
    (err: unknown): StartupResults => ({ measured: false, reason: `failed: ${(err as Error).message}` }),
  );
  if (!results.startup.measured) results.problems.push(`start-up: ${results.startup.reason}`);
  results.machine.loadAvgEnd = os.loadavg().map((x) => round(x));
  results.elapsedSec = round((performance.now() - started) / 1000, 1);

  log('');
  log(renderTable(results));
  if (cfg.resultsDir) {
    mkdirSync(cfg.resultsDir, { recursive: true });
    const stamp = results.date.replace(/[:.]/g, '-');
    const json = JSON.stringify(results, null, 2);
    const md = renderMarkdown(results);
    for (const name of [stamp, 'latest']) {
      writeFileSync(path.join(cfg.resultsDir, `${name}.json`), json);
      writeFileSync(path.join(cfg.resultsDir, `${name}.md`), md);
    }
    log(`results: ${path.relative(ROOT, path.join(cfg.resultsDir, `${stamp}.json`))} and .md (latest.*)`);
  }
  return results;
}
