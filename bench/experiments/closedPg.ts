/**
 * The engine and the peer in closed loops on PostgreSQL only, for quick before/after checks of a
 * database change: `npx tsx bench/experiments/closedPg.ts [levels, default 50,500] [only]`. Prints
 * turns/s, round trips per turn, and CPU per turn of this process and of its PostgreSQL backends.
 */
import os from 'node:os';
import { anchorlineSystem } from '../anchorline.ts';
import { openBenchDb } from '../benchDb.ts';
import { closedLoop } from '../load.ts';
import { peerSystem } from '../peer/peerSystem.ts';
import { DEFAULT_DATABASE_URL } from '../runBench.ts';

const levels = (process.argv[2] ?? '50,500').split(',').map(Number);
// `only` runs Anchorline alone (for a profile of the engine without the peer in it).
const alone = process.argv[3] === 'only';
const b = await openBenchDb('pg', process.env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL);
const a = await anchorlineSystem(b.db);
const p = await peerSystem(b.db);
try {
  const systems = alone ? [a] : [a, p];
  for (const s of systems) await closedLoop(s, { concurrency: 5, conversations: 20, prefix: `warm-${s.name}` });
  for (const c of levels) {
    for (const s of systems) {
      const d0 = (await b.dbCpuSeconds?.()) ?? 0;
      const r0 = b.db.roundTrips;
      const c0 = process.cpuUsage();
      const r = await closedLoop(s, { concurrency: c, conversations: Math.max(c, 100), prefix: `c${c}-${s.name}`, maxMs: 15_000 });
      const cpu = process.cpuUsage(c0);
      const trips = b.db.roundTrips - r0;
      const dbMs = (((await b.dbCpuSeconds?.()) ?? 0) - d0) * 1000;
      console.log(
        `${s.name.padEnd(20)} c=${String(c).padStart(3)} turns=${r.turns} errors=${r.errors} turns/s=${((r.turns / r.wallMs) * 1000).toFixed(1)} ` +
          `RT/turn=${(trips / r.turns).toFixed(2)} CPU ms/turn=${((cpu.user + cpu.system) / 1000 / r.turns).toFixed(2)} ` +
          `PostgreSQL CPU ms/turn=${(dbMs / r.turns).toFixed(2)} load=${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
} finally {
  a.cleanup();
  await b.close();
}
