/**
 * Start-up time of a real server process: spawn → first GET /readyz 200, and the CPU it used to get
 * there, on a fresh embedded database (PGlite's initdb and every migration), on the same folder
 * again, and on PostgreSQL (a fresh schema, then the same schema again).
 * `npm run bench:startup` alone; BENCH_QUICK=1 one run each (default 3, median shown);
 * BENCH_FROM_SOURCES=1 starts src/main.ts through tsx instead of the compiled dist/main.js.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { redact } from './benchDb.ts';
import { defaultServerCode, serverArgs, startServer, type ServerCode } from './serverProcess.ts';

export type StartupCase = 'embedded fresh' | 'embedded existing' | 'pg fresh schema' | 'pg existing schema';

export interface StartupRow {
  case: StartupCase;
  runs: number;
  /** spawn → /readyz 200, each run, ms. */
  readyMs: number[];
  medianReadyMs: number;
  /** user + system CPU of the server process at ready, median, seconds. */
  medianCpuSec: number | undefined;
  /** Target from issue 16 (ms). */
  targetMs: number;
}

export type StartupResults = { measured: true; code: ServerCode; command: string; rows: StartupRow[] } | { measured: false; reason: string };

const TARGET_MS: Record<StartupCase, number> = { 'embedded fresh': 5000, 'embedded existing': 2000, 'pg fresh schema': 1500, 'pg existing schema': 1500 };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The environment of a plain `npm start`: no flow watching (as in production), warnings only. */
const BASE_ENV = { LOG_LEVEL: 'warn', FLOWS_WATCH: 'false' };

async function timeOne(name: string, env: Record<string, string>, code: ServerCode): Promise<{ ms: number; cpu: number | undefined }> {
  const s = await startServer(name, { ...BASE_ENV, ...env }, { code, timeoutMs: 120_000 });
  const cpu = s.cpuSeconds();
  await s.stop();
  return { ms: s.readyMs, cpu };
}

function row(c: StartupCase, runs: Array<{ ms: number; cpu: number | undefined }>): StartupRow {
  const cpus = runs.map((r) => r.cpu).filter((x): x is number => x !== undefined);
  return {
    case: c,
    runs: runs.length,
    readyMs: runs.map((r) => Math.round(r.ms)),
    medianReadyMs: Math.round(median(runs.map((r) => r.ms))),
    medianCpuSec: cpus.length ? Math.round(median(cpus) * 100) / 100 : undefined,
    targetMs: TARGET_MS[c],
  };
}

const withSearchPath = (url: string, schema: string) => `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

/** The four start-ups, `runs` times each; the PostgreSQL cases are skipped when `databaseUrl` is unset. */
export async function runStartupBench(opts: { runs: number; databaseUrl?: string | undefined; code?: ServerCode; log?: (line: string) => void }): Promise<StartupResults> {
  const { runs, databaseUrl, code = defaultServerCode(), log = () => undefined } = opts;
  // Build (when needed) before any clock starts: a start-up is measured, not a compile.
  await serverArgs(code);
  const rows: StartupRow[] = [];
  const dirs: string[] = [];
  const schemas: string[] = [];
  try {
    const fresh: Array<{ ms: number; cpu: number | undefined }> = [];
    for (let i = 0; i < runs; i++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'anchorline-startup-'));
      dirs.push(dir);
      fresh.push(await timeOne(`fresh-${i}`, { DATA_DIR: dir }, code));
    }
    rows.push(row('embedded fresh', fresh));
    const existing: Array<{ ms: number; cpu: number | undefined }> = [];
    for (let i = 0; i < runs; i++) existing.push(await timeOne(`existing-${i}`, { DATA_DIR: dirs[0]! }, code));
    rows.push(row('embedded existing', existing));
    if (databaseUrl) {
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        const pgFresh: Array<{ ms: number; cpu: number | undefined }> = [];
        for (let i = 0; i < runs; i++) {
          const schema = `startup_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
          await admin.query(`CREATE SCHEMA ${schema}`);
          schemas.push(schema);
          pgFresh.push(await timeOne(`pg-fresh-${i}`, { DATABASE_URL: withSearchPath(databaseUrl, schema) }, code));
        }
        rows.push(row('pg fresh schema', pgFresh));
        const pgExisting: Array<{ ms: number; cpu: number | undefined }> = [];
        for (let i = 0; i < runs; i++) pgExisting.push(await timeOne(`pg-existing-${i}`, { DATABASE_URL: withSearchPath(databaseUrl, schemas[0]!) }, code));
        rows.push(row('pg existing schema', pgExisting));
      } finally {
        for (const s of schemas) await admin.query(`DROP SCHEMA ${s} CASCADE`).catch(() => undefined);
        await admin.end();
      }
    }
    for (const r of rows) log(`start-up, ${r.case}: median ${r.medianReadyMs} ms to ready (${r.readyMs.join(', ')}), CPU ${r.medianCpuSec ?? '?'} s, target ≤${r.targetMs} ms`);
    const command = code === 'compiled' ? 'node dist/main.js' : 'node --import tsx src/main.ts';
    return { measured: true, code, command: databaseUrl ? `${command} (PostgreSQL ${redact(databaseUrl)})` : command, rows };
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** The report's section (Markdown lines). */
export function renderStartup(r: StartupResults | undefined): string[] {
  if (!r) return [];
  const head = ['## Start-up', ''];
  if (!r.measured) return [...head, `Not measured: ${r.reason}`];
  return [
    ...head,
    `Spawn → first GET /readyz 200 of \`${r.command}\` (no flow watching, LOG_LEVEL=warn), median of ${r.rows[0]?.runs ?? 0}; CPU = user + system seconds of the server process at ready. Fresh = a new PGlite folder (filled from the initdb result kept in node_modules/.cache/anchorline, or initdb when there is none yet: about 7 s of CPU more, once per machine; then every migration) or a new PostgreSQL schema (every migration).`,
    '',
    '| start | median ms | runs ms | CPU s | target | met |',
    '| --- | ---: | --- | ---: | ---: | --- |',
    ...r.rows.map((x) => `| ${x.case} | ${x.medianReadyMs} | ${x.readyMs.join(', ')} | ${x.medianCpuSec ?? '?'} | ≤${x.targetMs} | ${x.medianReadyMs <= x.targetMs ? 'yes' : 'no'} |`),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.env.BENCH_QUICK === '1';
  const r = await runStartupBench({ runs: quick ? 1 : 3, databaseUrl: process.env.BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test', log: console.log });
  console.log(renderStartup(r).join('\n'));
}
