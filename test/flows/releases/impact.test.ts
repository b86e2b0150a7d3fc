import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReleases } from '../../../src/flows/releases/createReleases.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { silent } from '../../helpers/flowDir.ts';
import { coreWith, filesWith, processOn, releaseDir, textsOf, V1 } from './releaseFixtures.ts';

describe('what a release would do to residents mid-conversation', () => {
  let t: TestDb;
  let dirs: ReturnType<typeof releaseDir>;
  let p: Awaited<ReturnType<typeof processOn>>;
  let releases: ReturnType<typeof createReleases>;
  let v1: string;
  beforeAll(async () => {
    t = await createTestDb();
    dirs = releaseDir();
    p = await processOn(t.db, dirs);
    releases = createReleases({ db: t.db, catalog: p.catalog, logger: silent });
    v1 = p.catalog.current.flows.get('main')!.version;
    // Two residents wait at the `name` question of the first version.
    await p.send('waiting-1', 'hi');
    await p.send('waiting-2', 'hello');
  });
  afterAll(async () => {
    await releases.close();
    await p.catalog.stop();
    await t.close();
  });

  const one = (group: object) => ({ live: 2, orphaned: 0, groups: [{ flowId: 'main', version: v1, step: 'name', residents: 2, ...group }] });

  it('unchanged: the step they wait in reads the same in the new files', async () => {
    const files = await filesWith(dirs, { 'flows/main.flow.yaml': V1.replace('journey.goodbye', 'consent.thanks') });
    expect(await releases.impact(files)).toEqual(one({ outcome: 'unchanged' }));
  });

  it('stays: their version is stored and still runs, so they finish on it', async () => {
    const files = await filesWith(dirs, { 'flows/main.flow.yaml': V1.replace('type: text', 'type: text\n    hint: about.ageHint') });
    expect(await releases.impact(files)).toEqual(one({ outcome: 'stays' }));
  });

  it('migrates: a declared migration moves them to the renamed step', async () => {
    const renamed = `${V1.replace('  name:\n', '  full_name:\n')}migrations:\n  - from: ${v1}\n    steps: { name: full_name }\n`;
    const files = await filesWith(dirs, { 'flows/main.flow.yaml': renamed });
    expect(await releases.impact(files)).toEqual(one({ outcome: 'migrates', to: 'full_name' }));
  });

  it('orphaned: the wording their version asks with is gone, and publishing needs a policy', async () => {
    const base = await filesWith(dirs, { 'flows/main.flow.yaml': V1.replace('about.ageQuestion', 'about.postcodeQuestion') });
    const tree = JSON.parse(base['locales/en/core.json']!) as { about: Record<string, unknown> };
    delete tree.about.ageQuestion;
    const files = { ...base, 'locales/en/core.json': JSON.stringify(tree, null, 2) };
    const impact = await releases.impact(files);
    expect(impact).toMatchObject({ live: 2, orphaned: 2, groups: [{ flowId: 'main', version: v1, step: 'name', residents: 2, outcome: 'orphaned' }] });
    expect(impact.groups[0]!.reason).toMatch(/about\.ageQuestion/);

    const refused = await releases.publish(files, { source: 'studio', by: 'ana', note: 'drop the age question' });
    expect(refused).toEqual({ ok: false, impact });
    expect(p.catalog.releaseId).toBe((await releases.live()).id);
    expect((await releases.list()).map((r) => r.source)).toEqual(['files']);
  });

  it('orphaned: their version is neither live nor stored and no migration maps it', async () => {
    const hinted = await filesWith(dirs, { 'flows/main.flow.yaml': V1.replace('type: text', 'type: text\n    hint: about.ageHint') });
    expect(await releases.publish(hinted, { source: 'studio', by: 'ana', note: 'a hint' })).toMatchObject({ ok: true });
    await t.db.query('DELETE FROM flow_versions WHERE version = $1', [v1]);
    const fresh = await processOn(t.db, dirs);
    const r = createReleases({ db: t.db, catalog: fresh.catalog, logger: silent });
    const reworded = { ...hinted, 'locales/en/core.json': coreWith(hinted, 'about.ageQuestion', 'What age are you?') };
    expect(await r.impact(reworded)).toEqual({
      live: 2,
      orphaned: 2,
      groups: [{ flowId: 'main', version: v1, step: 'name', residents: 2, outcome: 'orphaned', reason: `main@${v1} is not stored and no migration maps name` }],
    });
    await fresh.catalog.stop();
  });
});

describe('a flow removed by a release', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('orphans the residents in it, and the next turn starts them on the start flow, told why', async () => {
    const dirs = releaseDir({ 'other.flow.yaml': V1.replace('id: main', 'id: other') });
    const inOther = await processOn(t.db, dirs, { startFlow: 'other' });
    await inOther.send('in-other', 'hi');
    const p = await processOn(t.db, dirs);
    const releases = createReleases({ db: t.db, catalog: p.catalog, logger: silent });
    const files = await filesWith(dirs, { 'flows/other.flow.yaml': undefined });
    const impact = await releases.impact(files);
    expect(impact).toEqual({
      live: 1,
      orphaned: 1,
      groups: [{ flowId: 'other', version: inOther.catalog.current.flows.get('other')!.version, step: 'name', residents: 1, outcome: 'orphaned', reason: 'the flow was removed' }],
    });
    expect(await releases.publish(files, { source: 'studio', by: 'ana', note: 'one flow', orphanPolicy: 'restart' })).toMatchObject({ ok: true });
    expect(textsOf(await p.send('in-other', 'Sam'))).toEqual(['Sorry, the questions have changed since we last spoke. We need to start again.', 'How old are you?']);
    await releases.close();
    for (const x of [inOther, p]) await x.catalog.stop();
  });
});
