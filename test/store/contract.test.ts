import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { literal } from '../../src/store/literal.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/testDb.ts';

// One contract, every driver: the same SQL must behave the same on pg and PGlite.
const drivers: Array<'pg' | 'pglite'> = TEST_DATABASE_URL ? ['pg', 'pglite'] : ['pglite'];

for (const driver of drivers) {
  describe(`store contract on ${driver}`, () => {
    let t: TestDb;
    let db: Db;
    beforeAll(async () => {
      t = await createTestDb({ driver });
      db = t.db;
      await db.query('CREATE TABLE kv (k text PRIMARY KEY, big int8, num numeric, doc jsonb, at timestamptz)');
    });
    afterAll(async () => t.close());

    it('round-trips int8, numeric, jsonb and timestamptz identically', async () => {
      const at = new Date('2026-03-29T00:59:59.123Z');
      await db.query('INSERT INTO kv VALUES ($1, $2, $3, $4, $5)', ['a', 9007199254740991, '12.50', JSON.stringify({ x: [1, 'ü'] }), at]);
      const { rows } = await db.query('SELECT big, num, doc, at FROM kv WHERE k = $1', ['a']);
      expect(rows[0]).toEqual({ big: 9007199254740991, num: '12.50', doc: { x: [1, 'ü'] }, at });
    });

    it('commits a transaction', async () => {
      await db.transaction(async (tx) => {
        await tx.query("INSERT INTO kv (k) VALUES ('committed')");
      });
      expect((await db.query("SELECT 1 FROM kv WHERE k = 'committed'")).rowCount).toBe(1);
    });

    it('rolls back a transaction that throws', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO kv (k) VALUES ('rolled')");
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await db.query("SELECT 1 FROM kv WHERE k = 'rolled'")).rowCount).toBe(0);
    });

    it('retries a serialization failure, then succeeds', async () => {
      let attempts = 0;
      const out = await db.transaction(async (tx) => {
        attempts++;
        if (attempts < 3) await tx.query(`DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END $$`);
        await tx.query("INSERT INTO kv (k) VALUES ('retried')");
        return attempts;
      });
      expect(out).toBe(3);
      expect((await db.query("SELECT 1 FROM kv WHERE k = 'retried'")).rowCount).toBe(1);
    });

    it('gives up after the bounded number of retries', async () => {
      let attempts = 0;
      await expect(
        db.transaction(
          async (tx) => {
            attempts++;
            await tx.query(`DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40P01'; END $$`);
          },
          { retries: 2 },
        ),
      ).rejects.toMatchObject({ code: '40P01' });
      expect(attempts).toBe(3);
    });

    it('runs several statements in one round trip, with escaped literals', async () => {
      const before = db.roundTrips;
      const hostile = `it's \\ a "test"; DROP TABLE kv; --`;
      const r = await db.multi(`INSERT INTO kv (k, doc) VALUES (${literal(hostile)}, ${literal({ q: hostile })}); SELECT k, doc FROM kv WHERE k = ${literal(hostile)};`);
      expect(db.roundTrips - before).toBe(1);
      expect(r[r.length - 1]!.rows[0]).toEqual({ k: hostile, doc: { q: hostile } });
    });

    it('delivers NOTIFY to a listener', async () => {
      let unlisten: (() => Promise<void>) | undefined;
      const got = new Promise<string>((resolve) => {
        void db.listen('contract_test', resolve).then(async (u) => {
          unlisten = u;
          await db.query(`SELECT pg_notify('contract_test', 'hello')`);
        });
      });
      expect(await got).toBe('hello');
      await unlisten?.();
    });
  });
}
