import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionRegistry } from '../../../src/engine/actions.ts';
import { FlowCatalog } from '../../../src/flows/catalog.ts';
import { listReleases } from '../../../src/store/flowReleases.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { silent } from '../../helpers/flowDir.ts';
import { filesWith, releaseDir, V1 } from './releaseFixtures.ts';
import { createReleases } from '../../../src/flows/releases/createReleases.ts';

describe('the flows folder at start-up', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('is published once when two processes start together, not again on restart, and again when a file changes', async () => {
    const dirs = releaseDir();
    const start = async (db = t.db) => {
      const c = new FlowCatalog({ ...dirs, actions: new ActionRegistry() }, db);
      const r = await c.start({ listen: false, logger: silent });
      expect(r.ok).toBe(true);
      return c;
    };
    const [one, two] = await Promise.all([start(t.db), start(await t.another())]);
    let releases = await listReleases(t.db, 10);
    expect(releases).toHaveLength(1);
    expect(releases[0]).toMatchObject({ source: 'files', live: true });
    expect(one.releaseId).toBe(releases[0]!.id);
    expect(two.releaseId).toBe(releases[0]!.id);

    const restarted = await start();
    expect(restarted.releaseId).toBe(releases[0]!.id);
    expect(await listReleases(t.db, 10)).toHaveLength(1);

    dirs.write('main.flow.yaml', V1.replace('journey.goodbye', 'consent.thanks'));
    const deployed = await start();
    releases = await listReleases(t.db, 10);
    expect(releases).toHaveLength(2);
    expect(deployed.releaseId).toBe(releases[0]!.id);
    expect(deployed.current.files['flows/main.flow.yaml']).toContain('consent.thanks');

    // A folder the checker refuses leaves the last good release live, in a fresh process too.
    dirs.write('main.flow.yaml', V1.replace('journey.goodbye', 'no.such.key'));
    const refused = new FlowCatalog({ ...dirs, actions: new ActionRegistry() }, t.db);
    const r = await refused.start({ listen: false, logger: silent });
    expect(r.ok).toBe(false);
    expect(refused.lastProblems.map((p) => p.code)).toContain('i18n_missing');
    expect(refused.releaseId).toBe(releases[0]!.id);
    expect(await listReleases(t.db, 10)).toHaveLength(2);
    for (const c of [one, two, restarted, deployed, refused]) await c.stop();
  });
  it('a restart with unchanged folders keeps an imported release live; changed folders keep the live release\'s orphan policy', async () => {
    const own = await createTestDb();
    const db = own.db;
    const dirs = releaseDir();
    const start = async () => {
      const c = new FlowCatalog({ ...dirs, actions: new ActionRegistry() }, db);
      expect((await c.start({ listen: false, logger: silent })).ok).toBe(true);
      return c;
    };
    const first = await start();
    const releases = createReleases({ db, catalog: first, logger: silent });
    const imported = await releases.publish(await filesWith(dirs, { 'flows/main.flow.yaml': V1.replace('journey.goodbye', 'consent.thanks') }), {
      source: 'import',
      by: 'ana',
      note: 'from the review folder',
      orphanPolicy: 'handoff',
    });
    if (!imported.ok) throw new Error('the import was refused');

    const restarted = await start();
    expect(restarted.releaseId).toBe(imported.release.id);
    expect(restarted.current.files['flows/main.flow.yaml']).toContain('consent.thanks');

    dirs.write('main.flow.yaml', V1.replace('journey.goodbye', 'about.thanks'));
    const deployed = await start();
    const [newest] = await listReleases(db, 1);
    expect(newest).toMatchObject({ id: deployed.releaseId, source: 'files', orphan_policy: 'handoff' });
    await releases.close();
    for (const c of [first, restarted, deployed]) await c.stop();
    await own.close();
  });
});
