import { readFileSync } from 'node:fs';
/**
 * The engine and the peer in closed loops on PostgreSQL only, for quick before/after checks of a
 * database change: `npx tsx bench/experiments/closedPg.ts [levels, default 50,500]`.
 */
import { anchorlineSystem } from '../anchorline.ts';
import { openBenchDb } from '../benchDb.ts';
import { closedLoop } from '../load.ts';
import { peerSystem } from '../peer/peerSystem.ts';
import { DEFAULT_DATABASE_URL } from '../runBench.ts';

/**
 * user + system CPU seconds of this benchmark's own PostgreSQL backends (the database is local;
 * the connections are told apart by application_name, so other work on the server is not counted).
 */
async function postgresCpuSeconds(): Promise<number> {
  let total = 0;
  const { rows } = await b.db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'anchorline_bench'`);
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

const levels = (process.argv[2] ?? '50,500').split(',').map(Number);
const base = new URL(process.env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL);
base.searchParams.set('application_name', 'anchorline_bench');
const b = await openBenchDb('pg', base.toString());
const a = await anchorlineSystem(b.db);
const p = await peerSystem(b.db);
try {
  for (const s of [a, p]) await closedLoop(s, { concurrency: 5, conversations: 20, prefix: `warm-${s.name}` });
  for (const c of levels) {
    for (const s of [a, p]) {
      const r0 = b.db.roundTrips;
      const c0 = process.cpuUsage();
      const pg0 = await postgresCpuSeconds();
      const r = await closedLoop(s, { concurrency: c, conversations: Math.max(c, 100), prefix: `c${c}-${s.name}`, maxMs: 15_000 });
      const cpu = process.cpuUsage(c0);
      const pgMs = ((await postgresCpuSeconds()) - pg0) * 1000;
      console.log(
        `${s.name.padEnd(20)} c=${String(c).padStart(3)} turns=${r.turns} errors=${r.errors} turns/s=${((r.turns / r.wallMs) * 1000).toFixed(1)} ` +
          `RT/turn=${((b.db.roundTrips - r0) / r.turns).toFixed(2)} CPU ms/turn=${((cpu.user + cpu.system) / 1000 / r.turns).toFixed(2)} postgres CPU ms/turn=${(pgMs / r.turns).toFixed(2)} load=${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
} finally {
  await b.close();
}
