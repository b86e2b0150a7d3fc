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

    it('a transaction opened with a batch and closed with commitWith costs two round trips', async () => {
      const before = db.roundTrips;
      await db.transaction(async (tx) => {
        const r = await tx.multi(`INSERT INTO kv (k) VALUES ('two-trips'); SELECT k FROM kv WHERE k = 'two-trips'`);
        expect(r.at(-1)!.rows).toEqual([{ k: 'two-trips' }]);
        await tx.commitWith(`UPDATE kv SET num = 2 WHERE k = 'two-trips'`);
      });
      expect(db.roundTrips - before).toBe(2);
      expect((await db.query(`SELECT num FROM kv WHERE k = 'two-trips'`)).rows).toEqual([{ num: '2' }]);
    });

    it('a statement that fails inside a transaction rolls it all back and the next one works', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.multi(`INSERT INTO kv (k) VALUES ('half-done')`);
          await tx.query('INSERT INTO kv (k, doc) VALUES ($1, $2)', ['bad-json', '{"x": "\\u0000"}']);
        }),
      ).rejects.toMatchObject({ code: '22P05' });
      expect((await db.query(`SELECT 1 FROM kv WHERE k = 'half-done'`)).rowCount).toBe(0);
      // The same statement failing inside the final batch: COMMIT never runs, the rollback does.
      await expect(
        db.transaction(async (tx) => {
          await tx.multi(`INSERT INTO kv (k) VALUES ('half-done-2')`);
          await tx.commitWith(`INSERT INTO kv (k, doc) VALUES ('bad', ${literal('{"x": "\\ud800"}')}::jsonb)`);
        }),
      ).rejects.toThrow(/type json/);
      expect((await db.query(`SELECT 1 FROM kv WHERE k LIKE 'half-done%'`)).rowCount).toBe(0);
      await db.transaction((tx) => tx.query(`INSERT INTO kv (k) VALUES ('after-failure')`));
      expect((await db.query(`SELECT 1 FROM kv WHERE k = 'after-failure'`)).rowCount).toBe(1);
    });

    it('NUL is refused with a clear error (never sent in a literal); lone surrogates never poison the connection', async () => {
      expect(() => literal('a\u0000b')).toThrow('NUL');
      await expect(db.query('INSERT INTO kv (k) VALUES ($1)', ['nul\u0000'])).rejects.toMatchObject({ code: '22021' });
      // Text parameters are sent as UTF-8: a lone surrogate arrives as U+FFFD, readable back.
      await db.query('INSERT INTO kv (k) VALUES ($1)', ['lone\ud800']);
      expect((await db.query(`SELECT k FROM kv WHERE k LIKE 'lone%'`)).rows).toEqual([{ k: 'lone\ufffd' }]);
      expect((await db.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    });

    it('turns of one row never interleave: the second waits for the first to commit', async () => {
      await db.query(`INSERT INTO kv (k, num) VALUES ('counter', 0)`);
      const bump = (label: string) =>
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ num: string }>(`SELECT num FROM kv WHERE k = 'counter' FOR UPDATE`);
          await new Promise((r) => setTimeout(r, 30));
          await tx.commitWith(`UPDATE kv SET num = ${Number(rows[0]!.num) + 1}, doc = ${literal({ last: label })} WHERE k = 'counter'`);
        });
      await Promise.all([bump('a'), bump('b'), bump('c')]);
      expect((await db.query(`SELECT num FROM kv WHERE k = 'counter'`)).rows).toEqual([{ num: '3' }]);
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

const servers: Array<'pg'> = TEST_DATABASE_URL ? ['pg'] : [];
for (const driver of servers) {
  describe(`store contract, what only a server with several connections can show (${driver})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb({ driver });
    });
    afterAll(async () => t.close());

    it('statementTimeoutMs makes the server cancel a statement that waits too long, and the pool stays healthy', async () => {
      const started = Date.now();
      await expect(t.db.transaction((tx) => tx.query('SELECT pg_sleep(5)'), { statementTimeoutMs: 200 })).rejects.toMatchObject({ code: '57014' });
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await t.db.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    });

    it('cancel() stops the statement running in the transaction from another connection', async () => {
      const started = Date.now();
      await expect(
        t.db.transaction(async (tx) => {
          const sleeping = tx.query('SELECT pg_sleep(5)');
          // Handled from the start: it rejects as soon as the cancel lands, before the await below.
          sleeping.catch(() => undefined);
          await new Promise((r) => setTimeout(r, 100));
          await tx.cancel();
          await sleeping;
        }),
      ).rejects.toMatchObject({ code: '57014' });
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });
}
