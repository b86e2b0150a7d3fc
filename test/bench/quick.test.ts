import { describe, expect, it } from 'vitest';
import { configFromEnv, runBench } from '../../bench/runBench.ts';

// The quick benchmark, so `npm run bench` never rots. It asserts that figures came out
// and that both systems answered every turn correctly; never a time.
const url = process.env.TEST_DATABASE_URL || undefined;
const driver = url ? 'pg' : 'pglite';

describe(`quick benchmark on ${driver}`, () => {
  it('produces turn, cost, memory, Direct Line, scaling, Slack ack and open-loop figures', async () => {
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
    // Start-up of the compiled server: the embedded cases always, PostgreSQL's with a URL.
    expect(r.startup?.measured && r.startup.rows.map((x) => x.case)).toEqual(['embedded fresh', 'embedded existing', ...(url ? ['pg fresh schema', 'pg existing schema'] : [])]);

    // Real server processes (scaling 1 → 2, Slack ack) need PostgreSQL: two processes share one database.
    const { scaling, slack } = r.servers!;
    if (driver === 'pglite') {
      expect(r.openLoop).toMatchObject({ measured: false, reason: expect.stringContaining('PostgreSQL') });
      expect(scaling).toMatchObject({ measured: false, reason: expect.stringContaining('PostgreSQL') });
      expect(slack).toMatchObject({ measured: false, reason: expect.stringContaining('PostgreSQL') });
      return;
    }
    if (!scaling.measured || !slack.measured) throw new Error(`server processes not measured: ${JSON.stringify({ scaling, slack })}`);
    expect(scaling.runs.map((x) => x.processes)).toEqual([1, 2]);
    for (const run of scaling.runs) {
      // 2 residents × 3 turns of the shipped flow main, each resident on its own process in the 2-process run.
      expect(run).toMatchObject({ conversations: 2, turns: 6, lost: 0, duplicated: 0, wrong: 0 });
      expect(run.latencyMs.p99).toBeGreaterThan(0);
    }
    expect(slack).toMatchObject({ events: 5, notAcked: 0, relayed: 5, lostRelays: 0, duplicatedRelays: 0 });
    expect(slack.ackMs.count).toBe(5);

    // Open loop: one short rate against one server process; every scheduled message went out and was answered right.
    if (!r.openLoop?.measured) throw new Error(`open loop not measured: ${JSON.stringify(r.openLoop)}`);
    const [open] = r.openLoop.runs;
    expect(open).toMatchObject({ offeredPerSec: 50, scheduled: 100, answered: 100, notSent: 0, lost: 0, duplicated: 0, wrong: 0 });
    expect(open!.latencyMs.p99).toBeGreaterThan(0);
    // One server's memory: idle, with 50 open streams that each got their greeting, then a reply each.
    expect(r.memory).toMatchObject({ streams: 50 });
    for (const reading of [r.memory!.idle, r.memory!.open, r.memory!.message!]) expect(reading.rssKb).toBeGreaterThan(reading.heapUsedKb);
  }, 300_000);
});
