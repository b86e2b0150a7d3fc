import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/store/migrate.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/testDb.ts';

describe('migrations', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ migrate: false });
  });
  afterAll(async () => t.close());

  it('are numbered and ordered', async () => {
    const list = await readMigrations();
    const versions = list.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions[0]).toBe(1);
  });

  it('apply once, in order, and a second run does nothing', async () => {
    const all = (await readMigrations()).map((m) => m.version);
    if (TEST_DATABASE_URL) {
      // Two "processes" starting at once: each migration is applied exactly once.
      const other = await t.another();
      const [a, b] = await Promise.all([migrate(t.db), migrate(other)]);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(all);
    } else {
      expect(await migrate(t.db)).toEqual(all);
    }
    expect(await migrate(t.db)).toEqual([]);
    const { rows } = await t.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY applied_at, version');
    expect(rows.map((r) => r.version)).toEqual(all);
  });

  it('refuse a migration whose file changed after it was applied', async () => {
    const list = await readMigrations();
    const changed = list.map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m));
    await expect(migrate(t.db, changed)).rejects.toThrow(/was changed after it was applied/);
  });
});

describe('migrations on PGlite', () => {
  it('run the same SQL', async () => {
    const t = await createTestDb({ migrate: false, driver: 'pglite' });
    try {
      expect((await migrate(t.db)).length).toBe((await readMigrations()).length);
    } finally {
      await t.close();
    }
  });
});
