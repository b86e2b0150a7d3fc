/**
 * An empty DATA_DIR is filled from the kept initdb result (pgliteTemplate.ts) rather than running
 * initdb again: the database it gives must be a whole, working one that keeps its data.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.ts';
import { PgliteDb } from '../../src/store/pgliteDriver.ts';
import { TEMPLATE_FILE } from '../../src/store/pgliteTemplate.ts';

const dirs: string[] = [];
const emptyDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'anchorline-pglite-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('an empty embedded database folder', () => {
  it('keeps the first initdb, and a later empty folder gets a working database that keeps its data', async () => {
    const first = await PgliteDb.open(emptyDir());
    await first.close();
    expect(existsSync(TEMPLATE_FILE)).toBe(true);

    const dir = emptyDir();
    const db = await PgliteDb.open(dir);
    await migrate(db);
    await db.query(`INSERT INTO postcode_cache (postcode, outcome) VALUES ('B1 1AA', 'notFound')`);
    await db.close();

    const again = await PgliteDb.open(dir);
    const kept = await again.query<{ postcode: string; outcome: string }>('SELECT postcode, outcome FROM postcode_cache');
    expect(kept.rows).toEqual([{ postcode: 'B1 1AA', outcome: 'notFound' }]);
    // Opening it again migrates nothing: every migration was recorded in the folder.
    expect(await migrate(again)).toEqual([]);
    await again.close();
  }, 120_000);
});
