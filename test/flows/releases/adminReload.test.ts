import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReleases } from '../../../src/flows/releases/createReleases.ts';
import { adminRoutes } from '../../../src/http/adminRoutes.ts';
import { createApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { listReleases } from '../../../src/store/flowReleases.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { silent } from '../../helpers/flowDir.ts';
import { processOn, releaseDir, V1 } from './releaseFixtures.ts';

const TOKEN = 'reload-operator-token-Qx7mV2pL9kT4nB8w';

describe('POST /admin/flows/reload on releases', () => {
  let t: TestDb;
  let server: RunningServer;
  let p: Awaited<ReturnType<typeof processOn>>;
  let releases: ReturnType<typeof createReleases>;
  const dirs = releaseDir();
  beforeAll(async () => {
    t = await createTestDb();
    p = await processOn(t.db, dirs);
    releases = createReleases({ db: t.db, catalog: p.catalog, logger: silent });
    const app = createApp({ logger: silent, bodyLimit: '100kb', readiness: [], routes: [['/admin', adminRoutes({ adminToken: TOKEN, catalog: p.catalog, releases })]] });
    server = await listen(app, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await server.close(1000);
    await releases.close();
    await p.catalog.stop();
    await t.close();
  });

  const reload = () => fetch(`http://127.0.0.1:${server.port}/admin/flows/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });

  it('publishes the changed folder as a release, and refuses a broken one with its lines', async () => {
    dirs.write('main.flow.yaml', V1.replace('journey.goodbye', 'consent.thanks'));
    const ok = await reload();
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { release: number; flows: Array<{ id: string; version: string }> };
    const [latest] = await listReleases(t.db, 1);
    expect(latest).toMatchObject({ id: body.release, source: 'files', created_by: 'operator', live: true });
    expect(body.flows).toEqual([{ id: 'main', version: p.catalog.current.flows.get('main')!.version }]);

    dirs.write('main.flow.yaml', V1.replace('journey.goodbye', 'journey.goodbey'));
    const refused = await reload();
    expect(refused.status).toBe(422);
    const err = (await refused.json()) as { error: { code: string; problems: string[] } };
    expect(err.error.code).toBe('flows_invalid');
    expect(err.error.problems[0]).toMatch(new RegExp(`^${dirs.flowsDir}/main\\.flow\\.yaml:9:\\d+ error i18n_missing .*\\(did you mean \`journey\\.goodbye\`\\?\\)$`));
    expect((await listReleases(t.db, 1))[0]!.id).toBe(body.release);
  });
});
