import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { journeyEraser } from '../../src/domain/journey/eraseJourneyData.ts';
import type { Eraser } from '../../src/domain/retention/pruneIdleConversations.ts';
import { housekeepingJobs } from '../../src/jobs/housekeepingJobs.ts';
import { JobRunner } from '../../src/jobs/JobRunner.ts';
import type { Db } from '../../src/store/db.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/testDb.ts';

/**
 * Housekeeping as an operator sees it: the jobs table, the log, and whether an idle
 * resident's data is really gone. Two "processes" are two pools on Postgres; on PGlite they
 * share its one connection, so there the exactly-once check cannot meet a real race.
 */

const DAY = 86_400_000;
const RETENTION_DAYS = 365;
const BACKOFF_MS = 30_000;

type LogLine = { msg: string; [k: string]: unknown };

/** One server process: its own logger, housekeeping and job runner on its own pool. */
function processOn(db: Db, clock: { now: Date }, erasers: Eraser[] = [journeyEraser()]) {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void (raw.push(s), lines.push(JSON.parse(s) as LogLine)) });
  const housekeeping = housekeepingJobs({ retentionDays: RETENTION_DAYS, erasers, logger, startDelayMs: 0 });
  const runner = new JobRunner({ db, logger, handlers: housekeeping.handlers, batchSize: 1, backoffBaseMs: BACKOFF_MS, clock: () => clock.now });
  return { db, lines, raw, housekeeping, runner };
}

/** Runs every process's runner side by side until none finds a due job. */
async function drain(...ps: Array<{ runner: JobRunner }>): Promise<void> {
  while ((await Promise.all(ps.map((p) => p.runner.runOnce()))).some((n) => n > 0));
}

async function jobsByKey(db: Db): Promise<Record<string, { status: string; attempts: number; run_at: string }>> {
  const { rows } = await db.query<{ key: string; status: string; attempts: number; run_at: Date }>(
    `SELECT key, status, attempts, run_at FROM jobs WHERE kind IN ('retention', 'directLineIdPrune', 'postcodeCachePrune', 'exportLinkPrune') ORDER BY key`,
  );
  return Object.fromEntries(rows.map((r) => [r.key, { status: r.status, attempts: r.attempts, run_at: r.run_at.toISOString() }]));
}

describe('housekeeping jobs', () => {
  let t: TestDb;
  let other: Db;
  beforeAll(async () => {
    t = await createTestDb();
    other = TEST_DATABASE_URL ? await t.another() : t.db;
  });
  afterAll(() => t?.close());

  beforeEach(async () => {
    await t.db.query(`DELETE FROM jobs`);
    await t.db.query(`DELETE FROM conversations`);
    await t.db.query(`DELETE FROM directline_conversations`);
    await t.db.query(`DELETE FROM postcode_cache`);
    await t.db.query(`DELETE FROM data_export_links`);
  });

  /** A resident who told us things and then went quiet at `lastSeen`. */
  async function resident(id: string, lastSeen: Date) {
    await t.db.query(`INSERT INTO conversations (id, channel, user_id, last_activity_at) VALUES ($1, 'directline', $1, $2)`, [id, lastSeen]);
    await t.db.query(`INSERT INTO messages (conversation_id, seq, direction, body) VALUES ($1, 1, 'in', '{"text":"I live at B5 7RN"}')`, [id]);
    await t.db.query(`INSERT INTO applications (conversation_id, profile) VALUES ($1, '{"age":19}')`, [id]);
  }

  const left = async (table: string, id: string) =>
    (await t.db.query(`SELECT 1 FROM ${table} WHERE ${table === 'conversations' ? 'id' : 'conversation_id'} = $1`, [id])).rowCount;

  it('two processes start, schedule and run each day\'s housekeeping exactly once, and the next day is queued', async () => {
    const clock = { now: new Date('2026-11-30T10:00:00Z') };
    await resident('idle-resident', new Date(clock.now.getTime() - (RETENTION_DAYS + 1) * DAY));
    await resident('recent-resident', new Date(clock.now.getTime() - 10 * DAY));
    await t.db.query(`INSERT INTO directline_conversations (id, user_id, created_at) VALUES ('dl-never-used', 'u', $1)`, [new Date(clock.now.getTime() - (RETENTION_DAYS + 1) * DAY)]);
    await t.db.query(`INSERT INTO postcode_cache (postcode, outcome, fetched_at) VALUES ('B5 7RN', 'notFound', $1)`, [new Date(clock.now.getTime() - 40 * DAY)]);
    // Links in a transcript: one given two hours ago (it no longer works: masked), one just now (kept).
    await t.db.query(`INSERT INTO conversations (id, channel, user_id, last_activity_at) VALUES ('linked-resident', 'directline', 'u', $1)`, [clock.now]);
    await t.db.query(
      `INSERT INTO messages (conversation_id, seq, direction, body, created_at) VALUES
         ('linked-resident', 2, 'out', '{"type":"text","text":"[Open my data](http://x/privacy/export/OldOldOldOldOldOldOld123)"}', $1),
         ('linked-resident', 3, 'out', '{"type":"text","text":"[Open my data](http://x/privacy/export/NewNewNewNewNewNewNew123)"}', $2)`,
      [new Date(clock.now.getTime() - 2 * 3600_000), clock.now],
    );
    // A resident's export link that expired, one already used, and one still waiting to be used.
    await t.db.query(
      `INSERT INTO data_export_links (token_hash, conversation_id, expires_at, used_at) VALUES ('expired', 'recent-resident', $1, NULL), ('used', 'recent-resident', $2, $1), ('live', 'recent-resident', $2, NULL)`,
      [new Date(clock.now.getTime() - DAY), new Date(clock.now.getTime() + DAY)],
    );

    const a = processOn(t.db, clock);
    const b = processOn(other, clock);
    await Promise.all([a.housekeeping.schedule(a.db, clock.now), b.housekeeping.schedule(b.db, clock.now)]);
    expect(Object.keys(await jobsByKey(t.db))).toEqual(['directline-ids:2026-11-30', 'export-links:2026-11-30', 'postcode-cache:2026-11-30', 'retention:2026-11-30']);

    await drain(a, b);

    // Today's runs done once each; tomorrow's queued at their hours, one per kind.
    expect(await jobsByKey(t.db)).toEqual({
      'directline-ids:2026-11-30': { status: 'done', attempts: 1, run_at: '2026-11-30T10:00:00.000Z' },
      'directline-ids:2026-12-01': { status: 'pending', attempts: 0, run_at: '2026-12-01T03:30:00.000Z' },
      'export-links:2026-11-30': { status: 'done', attempts: 1, run_at: '2026-11-30T10:00:00.000Z' },
      'export-links:2026-12-01': { status: 'pending', attempts: 0, run_at: '2026-12-01T04:30:00.000Z' },
      'postcode-cache:2026-11-30': { status: 'done', attempts: 1, run_at: '2026-11-30T10:00:00.000Z' },
      'postcode-cache:2026-12-01': { status: 'pending', attempts: 0, run_at: '2026-12-01T04:00:00.000Z' },
      'retention:2026-11-30': { status: 'done', attempts: 1, run_at: '2026-11-30T10:00:00.000Z' },
      'retention:2026-12-01': { status: 'pending', attempts: 0, run_at: '2026-12-01T03:00:00.000Z' },
    });
    const logged = [...a.lines, ...b.lines];
    expect(logged.filter((l) => l.msg.startsWith('retention:')).map((l) => l.deleted)).toEqual([1]);
    expect(logged.filter((l) => l.msg.includes('Direct Line ids')).map((l) => l.deleted)).toEqual([1]);
    expect(logged.filter((l) => l.msg.includes('postcode answers')).map((l) => l.deleted)).toEqual([1]);
    expect(logged.filter((l) => l.msg.includes('export links')).map((l) => l.deleted)).toEqual([2]);
    expect((await t.db.query<{ token_hash: string }>(`SELECT token_hash FROM data_export_links`)).rows).toEqual([{ token_hash: 'live' }]);
    const links = (await t.db.query<{ text: string }>(`SELECT body->>'text' AS text FROM messages WHERE conversation_id = 'linked-resident' ORDER BY seq`)).rows;
    expect(links.map((l) => l.text)).toEqual([
      '[Open my data](http://x/privacy/export/[used or expired])',
      '[Open my data](http://x/privacy/export/NewNewNewNewNewNewNew123)',
    ]);

    // The idle resident's data is gone; the recent one's is all there.
    for (const table of ['conversations', 'messages', 'applications']) {
      expect([table, await left(table, 'idle-resident')]).toEqual([table, 0]);
      expect([table, await left(table, 'recent-resident')]).toEqual([table, 1]);
    }
    expect((await t.db.query(`SELECT 1 FROM directline_conversations`)).rowCount).toBe(0);
    expect((await t.db.query(`SELECT 1 FROM postcode_cache`)).rowCount).toBe(0);

    // A third process starting later that day queues nothing: today ran, tomorrow is waiting.
    const c = processOn(t.db, clock);
    await c.housekeeping.schedule(c.db, new Date('2026-11-30T18:00:00Z'));
    expect(Object.keys(await jobsByKey(t.db))).toHaveLength(8);

    // Next day, at 03:00: the two processes run tomorrow's retention once, and queue the day after.
    clock.now = new Date('2026-12-01T03:00:00Z');
    await drain(a, b);
    const next = await jobsByKey(t.db);
    expect(next['retention:2026-12-01']).toMatchObject({ status: 'done', attempts: 1 });
    expect(next['retention:2026-12-02']).toEqual({ status: 'pending', attempts: 0, run_at: '2026-12-02T03:00:00.000Z' });
    // Direct Line and postcode runs are due later in the night.
    expect(next['directline-ids:2026-12-01']).toMatchObject({ status: 'pending' });
    expect([...a.lines, ...b.lines].filter((l) => l.msg.startsWith('retention:'))).toHaveLength(2);
  });

  it('a failing retention run is retried with backoff, logged without personal data, and the next day stays queued', async () => {
    const clock = { now: new Date('2027-03-01T09:00:00Z') };
    await resident('conv-of-alex-smith', new Date(clock.now.getTime() - (RETENTION_DAYS + 5) * DAY));
    let failures = 1;
    const flaky: Eraser = async (tx, id) => {
      if (failures-- > 0) throw Object.assign(new Error(`could not erase ${id}`), { code: 'test_flaky' });
      await journeyEraser()(tx, id);
    };
    const p = processOn(t.db, clock, [flaky]);
    await p.housekeeping.schedule(p.db, clock.now);

    await drain(p);
    const afterFailure = await jobsByKey(t.db);
    expect(afterFailure['retention:2027-03-01']).toEqual({ status: 'pending', attempts: 1, run_at: new Date(clock.now.getTime() + BACKOFF_MS).toISOString() });
    expect(afterFailure['retention:2027-03-02']).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await left('conversations', 'conv-of-alex-smith')).toBe(1);
    const failed = p.lines.find((l) => l.msg === 'job failed');
    expect(failed).toMatchObject({ kind: 'retention', attempts: 1, outcome: 'retry', code: 'test_flaky' });
    expect(p.raw.join('')).not.toContain('alex');

    clock.now = new Date(clock.now.getTime() + BACKOFF_MS);
    await drain(p);
    expect((await jobsByKey(t.db))['retention:2027-03-01']).toMatchObject({ status: 'done', attempts: 2 });
    expect(await left('conversations', 'conv-of-alex-smith')).toBe(0);
    expect(await left('messages', 'conv-of-alex-smith')).toBe(0);
    // Still one job waiting per kind: the retry did not queue the next day twice.
    expect(Object.keys(await jobsByKey(t.db)).filter((k) => k.startsWith('retention:'))).toEqual(['retention:2027-03-01', 'retention:2027-03-02']);
  });

  it('after days with no process running, one catch-up run, then the next day at its hour', async () => {
    const clock = { now: new Date('2027-05-01T10:00:00Z') };
    const p = processOn(t.db, clock);
    await p.housekeeping.schedule(p.db, clock.now);
    await drain(p);
    // Every process was down from 1 May to 5 May; the 2 May run is overdue.
    clock.now = new Date('2027-05-05T12:00:00Z');
    await p.housekeeping.schedule(p.db, clock.now);
    await drain(p);
    const keys = await jobsByKey(t.db);
    expect(keys['retention:2027-05-02']).toMatchObject({ status: 'done', attempts: 1 });
    expect(keys['retention:2027-05-05']).toBeUndefined();
    expect(keys['retention:2027-05-06']).toEqual({ status: 'pending', attempts: 0, run_at: '2027-05-06T03:00:00.000Z' });
  });
});
