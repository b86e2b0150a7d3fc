import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelJob, enqueueJob } from '../../src/jobs/jobQueue.ts';
import { claimJobs } from '../../src/store/jobs.ts';
import { JobRunner } from '../../src/jobs/JobRunner.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

const T0 = new Date('2027-01-01T00:00:00Z');

describe('job queue', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t?.close());

  it('dedupes by key while a job is live, and cancels by key', async () => {
    const first = await enqueueJob(t.db, { kind: 'k', key: 'one', runAt: T0 });
    expect(first).toBeTypeOf('number');
    expect(await enqueueJob(t.db, { kind: 'k', key: 'one', runAt: T0 })).toBeNull();
    expect(await cancelJob(t.db, 'one')).toBe(true);
    expect(await cancelJob(t.db, 'one')).toBe(false);
    // Once cancelled the key is free again.
    expect(await enqueueJob(t.db, { kind: 'k', key: 'one', runAt: T0 })).toBeTypeOf('number');
    await cancelJob(t.db, 'one');
  });

  it('claims only due jobs, and reclaims a job whose worker died after its lease', async () => {
    await enqueueJob(t.db, { kind: 'lease', key: 'lease', runAt: T0 });
    await enqueueJob(t.db, { kind: 'later', key: 'later', runAt: new Date(T0.getTime() + 3600_000) });
    const claimed = await claimJobs(t.db, { now: T0, limit: 10, leaseMs: 1000 });
    expect(claimed.map((j) => j.kind)).toEqual(['lease']);
    expect(await claimJobs(t.db, { now: T0, limit: 10, leaseMs: 1000 })).toEqual([]);
    const again = await claimJobs(t.db, { now: new Date(T0.getTime() + 2000), limit: 10, leaseMs: 1000 });
    expect(again.map((j) => [j.kind, j.attempts])).toEqual([['lease', 2]]);
    await cancelJob(t.db, 'later');
  });

  it('a started runner polls and runs due jobs until stopped; unknown kinds fail and retry', async () => {
    const seen: unknown[] = [];
    let done!: () => void;
    const ran = new Promise<void>((r) => (done = r));
    const runner = new JobRunner({
      db: t.db,
      pollMs: 20,
      handlers: {
        hello: async (payload) => {
          seen.push(payload);
          done();
        },
      },
    });
    // The unknown kind is due first, so it has failed by the time 'hello' runs.
    await enqueueJob(t.db, { kind: 'nobody', key: 'nobody', runAt: new Date(Date.now() - 1000) });
    await enqueueJob(t.db, { kind: 'hello', payload: { n: 1 }, runAt: new Date() });
    runner.start();
    await ran;
    await runner.stop();
    expect(seen).toEqual([{ n: 1 }]);
    const { rows } = await t.db.query<{ status: string; last_error: string }>(`SELECT status, last_error FROM jobs WHERE key = 'nobody'`);
    expect(rows[0]).toMatchObject({ status: 'pending', last_error: 'no handler for job kind nobody' });
  });
});
