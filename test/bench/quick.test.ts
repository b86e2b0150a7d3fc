import { describe, expect, it } from 'vitest';
import { configFromEnv, runBench } from '../../bench/runBench.ts';

// The quick benchmark, so `npm run bench` never rots. It asserts that figures came out
// and that both systems answered every turn correctly; never a time.
const url = process.env.TEST_DATABASE_URL || undefined;
const driver = url ? 'pg' : 'pglite';

describe(`quick benchmark on ${driver}`, () => {
  it('produces turn, cost, memory and Direct Line figures for Anchorline and the peer', async () => {
    const cfg = configFromEnv({ BENCH_QUICK: '1', BENCH_DRIVERS: driver, ...(url ? { BENCH_DATABASE_URL: url } : {}) }, () => undefined);
    const r = await runBench({ ...cfg, resultsDir: undefined });

    expect(r.problems).toEqual([]);
    expect(r.rows.map((x) => `${x.mode} ${x.system} ${x.concurrency}`).sort()).toEqual(
      ['closed Anchorline 1', 'closed Anchorline 5', 'closed botbuilder-dialogs 1', 'closed botbuilder-dialogs 5', 'paced Anchorline 5', 'paced botbuilder-dialogs 5'].sort(),
    );
    for (const row of r.rows) {
      expect(row.errors).toBe(0);
      expect(row.turns).toBeGreaterThan(0);
      expect(row.turnsPerSec).toBeGreaterThan(0);
      expect(row.latencyMs.p99).toBeGreaterThan(0);
      expect(row.roundTripsPerTurn).toBeGreaterThan(0);
    }
    expect(r.ratios.filter((x) => x.mode === 'closed')).toHaveLength(2);
    const cost = r.cost[driver]!;
    expect(cost.perTurn).toHaveLength(12);
    expect(cost.perTurn.every((t) => t.anchorlineRoundTrips > 0 && t.anchorlineSnapshotBytes > 0 && t.peerStateBytes > 0)).toBe(true);
    expect(cost.completedSnapshot.maxBytes).toBeGreaterThan(0);
    expect(r.heap?.conversations).toBe(50);
    expect(r.directLine).toMatchObject({ measured: true, lost: 0, duplicated: 0, wrong: 0 });
  }, 180_000);
});
