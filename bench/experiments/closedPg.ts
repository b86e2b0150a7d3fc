/**
 * The engine and the peer in closed loops on PostgreSQL only, for quick before/after checks of a
 * database change: `npx tsx bench/experiments/closedPg.ts [levels, default 50,500]`.
 */
import { anchorlineSystem } from '../anchorline.ts';
import { openBenchDb } from '../benchDb.ts';
import { closedLoop } from '../load.ts';
import { peerSystem } from '../peer/peerSystem.ts';
import { DEFAULT_DATABASE_URL } from '../runBench.ts';

const levels = (process.argv[2] ?? '50,500').split(',').map(Number);
const b = await openBenchDb('pg', process.env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL);
const a = await anchorlineSystem(b.db);
const p = await peerSystem(b.db);
try {
  for (const s of [a, p]) await closedLoop(s, { concurrency: 5, conversations: 20, prefix: `warm-${s.name}` });
  for (const c of levels) {
    for (const s of [a, p]) {
      const r0 = b.db.roundTrips;
      const c0 = process.cpuUsage();
      const r = await closedLoop(s, { concurrency: c, conversations: Math.max(c, 100), prefix: `c${c}-${s.name}`, maxMs: 15_000 });
      const cpu = process.cpuUsage(c0);
      console.log(
        `${s.name.padEnd(20)} c=${String(c).padStart(3)} turns=${r.turns} errors=${r.errors} turns/s=${((r.turns / r.wallMs) * 1000).toFixed(1)} ` +
          `RT/turn=${((b.db.roundTrips - r0) / r.turns).toFixed(2)} CPU ms/turn=${((cpu.user + cpu.system) / 1000 / r.turns).toFixed(2)} load=${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
} finally {
  await b.close();
}
