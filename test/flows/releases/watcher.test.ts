import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReleases } from '../../../src/flows/releases/createReleases.ts';
import { watchFlows } from '../../../src/flows/watchFlows.ts';
import { listReleases } from '../../../src/store/flowReleases.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { silent } from '../../helpers/flowDir.ts';
import { processOn, releaseDir, V1 } from './releaseFixtures.ts';

async function until(check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting for the watcher');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the development watcher on releases', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('publishes a changed folder as a files release, and a refused change keeps the last good one with its problems', async () => {
    const dirs = releaseDir();
    const p = await processOn(t.db, dirs);
    const releases = createReleases({ db: t.db, catalog: p.catalog, logger: silent });
    const stop = watchFlows(p.catalog, [dirs.flowsDir, dirs.localesDir], silent, releases);
    try {
      dirs.write('main.flow.yaml', V1.replace('journey.goodbye', 'consent.thanks'));
      await until(async () => (await listReleases(t.db, 10)).length === 2);
      const [latest] = await listReleases(t.db, 1);
      expect(latest).toMatchObject({ source: 'files', created_by: 'watcher', live: true });
      await until(() => p.catalog.releaseId === latest!.id);
      expect(p.catalog.current.files['flows/main.flow.yaml']).toContain('consent.thanks');

      dirs.write('main.flow.yaml', V1.replace('journey.goodbye', 'no.such.key'));
      await until(() => p.catalog.lastProblems.length > 0);
      expect(p.catalog.lastProblems[0]).toMatchObject({ code: 'i18n_missing', file: `${dirs.flowsDir}/main.flow.yaml` });
      expect(p.catalog.releaseId).toBe(latest!.id);
      expect(await listReleases(t.db, 10)).toHaveLength(2);
    } finally {
      stop();
      await releases.close();
      await p.catalog.stop();
    }
  });
});
