/**
 * Under load, a turn's COMMIT carries the next waiting turn's BEGIN and load in the same round
 * trip (src/store/txSlots.ts). These tests hold the one transaction slot of a two-connection pool
 * so the next transaction has to wait, then check what each side sees: both committed, one
 * round trip saved, and a fault on either side of the shared trip failing only its own side.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgDb } from '../../src/store/pgDriver.ts';
import { TxSlots } from '../../src/store/txSlots.ts';
import { shippedEngine } from '../helpers/shippedEngine.ts';
import { TEST_DATABASE_URL } from '../helpers/testDb.ts';

const url = TEST_DATABASE_URL;
if (!url) throw new Error('commitHandover.test.ts needs TEST_DATABASE_URL (real PostgreSQL: this is about its connections)');

const schema = `t_handover_${randomBytes(4).toString('hex')}`;
let db: PgDb;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await admin((c) => c.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.marks (id text PRIMARY KEY, n int NOT NULL)`));
  // max 2: one transaction slot, one connection kept for plain queries.
  db = new PgDb({ connectionString: url!, schema, max: 2 });
});

afterAll(async () => {
  await db.close();
  await admin((c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
});

/** A transaction that opens, then waits for `release` before committing with `last`. */
function holder(id: string, last: string) {
  let release!: () => void;
  const go = new Promise<void>((r) => (release = r));
  let opened!: () => void;
  const isOpen = new Promise<void>((r) => (opened = r));
  const done = db.transaction(async (tx: Tx) => {
    await tx.multi(`INSERT INTO marks VALUES ('${id}', 1)`);
    opened();
    await go;
    await tx.commitWith(last);
  }, { retries: 0 });
  return { done, release, isOpen };
}

const marks = async () => (await db.query<{ id: string }>('SELECT id FROM marks ORDER BY id')).rows.map((r) => r.id);
/** Lets the event loop run until the second transaction is queued for the slot. */
const tick = () => new Promise((r) => setTimeout(r, 20));

describe('commit handover on PostgreSQL', () => {
  it('a waiting transaction rides the commit: both commit, and the two cost three round trips instead of four', async () => {
    const a = holder('a1', `UPDATE marks SET n = 2 WHERE id = 'a1'`);
    await a.isOpen;
    const before = db.roundTrips;
    const b = db.transaction(async (tx) => {
      const [row] = await tx.multi(`SELECT n FROM marks WHERE id = 'a1'`);
      await tx.commitWith(`INSERT INTO marks VALUES ('b1', ${Number(row!.rows[0]?.n ?? 0)})`);
    });
    await tick();
    a.release();
    await Promise.all([a.done, b]);
    const trips = db.roundTrips - before;
    // b's first batch ran after a's COMMIT in the same trip, so it saw a's update.
    expect((await db.query<{ n: number }>(`SELECT n FROM marks WHERE id = 'b1'`)).rows[0]?.n).toBe(2);
    expect(trips).toBe(2);
  });

  it("the committing side's fault rolls back only its own work; the rider goes on and commits", async () => {
    const a = holder('a2', 'SELECT 1/0');
    await a.isOpen;
    const b = db.transaction(async (tx) => {
      await tx.multi(`INSERT INTO marks VALUES ('b2', 1)`);
      await tx.commitWith(`UPDATE marks SET n = 5 WHERE id = 'b2'`);
    });
    await tick();
    a.release();
    await expect(a.done).rejects.toThrow(/division by zero/);
    await b;
    const ids = await marks();
    expect(ids).toContain('b2');
    expect(ids).not.toContain('a2');
  });

  it("the rider's fault fails only the rider; the transaction whose commit carried it stays committed", async () => {
    const a = holder('a3', `UPDATE marks SET n = 3 WHERE id = 'a3'`);
    await a.isOpen;
    const b = db.transaction(async (tx) => {
      await tx.multi(`INSERT INTO marks VALUES ('b3', 1); SELECT 1/0`);
      await tx.commitWith(`UPDATE marks SET n = 9 WHERE id = 'b3'`);
    }, { retries: 0 });
    await tick();
    a.release();
    await a.done;
    await expect(b).rejects.toThrow(/division by zero/);
    expect((await db.query<{ n: number }>(`SELECT n FROM marks WHERE id = 'a3'`)).rows[0]?.n).toBe(3);
    expect(await marks()).not.toContain('b3');
    // The connection is healthy afterwards: the next transaction works.
    await db.transaction((tx) => tx.commitWith(`INSERT INTO marks VALUES ('after3', 1)`));
    expect(await marks()).toContain('after3');
  });

  it('a cancel from a transaction that has committed never reaches the rider now using its connection', async () => {
    let first!: Tx;
    const a = holder('a4', `UPDATE marks SET n = 4 WHERE id = 'a4'`);
    await a.isOpen;
    const b = db.transaction(async (tx) => {
      await tx.multi(`INSERT INTO marks VALUES ('b4', 1)`);
      // a has committed and handed this connection over; a late cancel from it must do nothing.
      await first.cancel();
      await tx.query('SELECT pg_sleep(0.2)');
      await tx.commitWith(`UPDATE marks SET n = 8 WHERE id = 'b4'`);
    });
    const grab = db.transaction(async (tx) => {
      first = tx;
      await tx.multi(`SELECT 1`);
      await tx.commitWith('SELECT 2');
    });
    await tick();
    a.release();
    await Promise.all([a.done, grab, b]);
    expect((await db.query<{ n: number }>(`SELECT n FROM marks WHERE id = 'b4'`)).rows[0]?.n).toBe(8);
  });
});

describe('turns of many residents at once through a small pool', () => {
  it('every turn is answered and stored, in order, with about one round trip per turn', async () => {
    const turnsDb = new PgDb({ connectionString: url!, schema, max: 4 });
    try {
      await migrate(turnsDb);
      const { engine } = await shippedEngine(turnsDb);
      const residents = Array.from({ length: 30 }, (_, i) => `res-${i}`);
      const say = (id: string, n: number, text: string) =>
        engine.handleTurn({ conversationId: id, channel: 'directline', activityId: `${id}|${n}`, user: { id: `u-${id}` }, text, receivedAt: new Date() });
      const before = turnsDb.roundTrips;
      const first = await Promise.all(residents.map((id) => say(id, 1, 'hi')));
      const second = await Promise.all(residents.map((id) => say(id, 2, 'English')));
      const trips = turnsDb.roundTrips - before;
      for (const out of [...first, ...second]) expect(out.replies.length).toBeGreaterThan(0);
      // Each resident's transcript: hi, its replies, English, its replies — nothing lost or interleaved.
      const { rows } = await turnsDb.query<{ conversation_id: string; n: number; ins: number }>(
        `SELECT conversation_id, count(*)::int AS n, count(*) FILTER (WHERE direction = 'in')::int AS ins FROM messages GROUP BY conversation_id`,
      );
      expect(rows).toHaveLength(30);
      for (const r of rows) expect(r.ins).toBe(2);
      // Two rounds of 30 turns: without handover 120 round trips; with it, well under that.
      expect(trips).toBeLessThan(100);
    } finally {
      await turnsDb.close();
    }
  });
});

describe('the wait for a connection', () => {
  it('a rider whose wait runs out while its first batch is on the wire still gets its connection', async () => {
    const pool = new pg.Pool({ connectionString: url!, max: 2 });
    try {
      const slots = new TxSlots(pool, 1, 50);
      const owner = await slots.acquire();
      const waiting = slots.acquire('BEGIN;\nSELECT 1');
      const rider = slots.takeRider();
      expect(rider?.first).toBe('BEGIN;\nSELECT 1');
      // Longer than the wait: the committing side is still busy with the rider's batch.
      await new Promise((r) => setTimeout(r, 120));
      rider!.grant({ client: owner.client });
      const got = await waiting;
      expect(got.client).toBe(owner.client);
      slots.release(got.client);
      // A waiter still in the queue when its wait runs out is refused with a clear message.
      const again = await slots.acquire();
      await expect(slots.acquire('BEGIN;\nSELECT 1')).rejects.toThrow(/waiting for a database connection/);
      slots.release(again.client);
    } finally {
      await pool.end();
    }
  });
});
