import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReleases } from '../../../src/flows/releases/createReleases.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { silent } from '../../helpers/flowDir.ts';
import { ASKS_TEST, coreWith, filesWith, processOn, releaseDir, textsOf, V1 } from './releaseFixtures.ts';

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('publishing a release', () => {
  let t: TestDb;
  let dirs: ReturnType<typeof releaseDir>;
  let a: Awaited<ReturnType<typeof processOn>>;
  let releases: ReturnType<typeof createReleases>;
  beforeAll(async () => {
    t = await createTestDb();
    dirs = releaseDir();
    a = await processOn(t.db, dirs);
    releases = createReleases({ db: t.db, catalog: a.catalog, logger: silent });
  });
  afterAll(async () => {
    await releases.close();
    await a.catalog.stop();
    await t.close();
  });

  it('starts from the shipped folder as the first release', async () => {
    const live = await releases.live();
    expect(live.source).toBe('files');
    expect(live.flows).toEqual([`main@${a.catalog.current.flows.get('main')!.version}`]);
    expect(live.files['flows/main.flow.yaml']).toBe(V1);
    expect(await releases.list()).toHaveLength(1);
  });

  it('refuses files the checker rejects, with the line and a "did you mean", and keeps the live release', async () => {
    const before = await releases.live();
    const broken = V1.replace('    question: about.ageQuestion\n', '    question: about.ageQuestion\n    next: dne\n');
    const r = await releases.publish(await filesWith(dirs, { 'flows/main.flow.yaml': broken }), { source: 'studio', by: 'ana', note: 'typo' });
    expect(r.ok).toBe(false);
    const problem = !r.ok ? r.problems?.find((p) => p.code === 'unknown_step') : undefined;
    expect(problem).toMatchObject({ file: 'flows/main.flow.yaml', line: 7, suggestion: 'done' });
    expect((await releases.live()).id).toBe(before.id);
  });

  it('checks a set without storing it: an unknown answer name and a missing key come with a "did you mean"', async () => {
    const flow = V1.replace('id: main\n', 'id: main\nsummary:\n  Name: nmae\n').replace('about.ageQuestion', 'about.ageQuestoin');
    const problems = await releases.check(await filesWith(dirs, { 'flows/main.flow.yaml': flow }));
    expect(problems.find((p) => p.code === 'unknown_answer')).toMatchObject({ line: 3, suggestion: 'name' });
    expect(problems.find((p) => p.code === 'i18n_missing')).toMatchObject({ line: 8, suggestion: 'about.ageQuestion' });
    expect(await releases.list()).toHaveLength(1);
  });

  it('refuses a file that does not belong in a flow set', async () => {
    const r = await releases.publish({ ...(await filesWith(dirs, {})), 'src/app.ts': 'export {}' }, { source: 'studio', by: 'ana', note: '' });
    expect(r).toMatchObject({ ok: false, problems: [{ code: 'path', file: 'src/app.ts' }] });
  });

  it('refuses files whose flow test fails, and keeps the live release', async () => {
    const before = await releases.live();
    const failing = ASKS_TEST.replace('about.ageQuestion', 'journey.goodbye');
    const r = await releases.publish(await filesWith(dirs, { 'flows/tests/asks.test.yaml': failing }), { source: 'studio', by: 'ana', note: 'test' });
    expect(r).toMatchObject({ ok: false, failedTests: [{ file: 'flows/tests/asks.test.yaml' }] });
    expect(!r.ok && r.failedTests?.[0]?.message).toMatch(/expected "journey.goodbye"/);
    expect((await releases.live()).id).toBe(before.id);
  }, 120_000);

  it('makes new wording live in a second process at its very next turn, with its LISTEN off, in two round trips', async () => {
    const db2 = await t.another();
    const b = await processOn(db2, dirs, { listen: false });
    const asked = await b.send('resident-b', 'hi');
    expect(textsOf(asked).join(' ')).toContain('How old are you?');

    const base = await filesWith(dirs, { 'flows/tests/asks.test.yaml': ASKS_TEST });
    const files = { ...base, 'locales/en/core.json': coreWith(base, 'about.ageQuestion', 'What age are you?') };
    const r = await releases.publish(files, { source: 'studio', by: 'ana', note: 'plainer question' });
    expect(r).toMatchObject({ ok: true, release: { source: 'studio', createdBy: 'ana', note: 'plainer question', live: true } });
    expect(a.catalog.releaseId).toBe(r.ok ? r.release.id : -1);

    // Process B has not heard of it (no LISTEN): its next turn reads the live release id and switches.
    expect(b.catalog.releaseId).not.toBe(a.catalog.releaseId);
    const again = await b.send('resident-new', 'hi');
    expect(textsOf(again).join(' ')).toContain('What age are you?');
    expect(b.catalog.releaseId).toBe(a.catalog.releaseId);

    const before = db2.roundTrips;
    await b.send('resident-new', 'hello again');
    expect(db2.roundTrips - before).toBe(2);
    await b.catalog.stop();
  }, 120_000);

  it('switches a listening process on NOTIFY, without a turn', async () => {
    const db3 = await t.another();
    const c = await processOn(db3, dirs, { listen: true });
    const base = await filesWith(dirs, {});
    const r = await releases.publish({ ...base, 'locales/en/core.json': coreWith(base, 'about.ageQuestion', 'Your age, please?') }, { source: 'studio', by: 'ana', note: 'again' });
    expect(r.ok).toBe(true);
    await until(() => c.catalog.releaseId === (r.ok ? r.release.id : -1));
    expect(c.catalog.current.translator.t('en')('about.ageQuestion')).toBe('Your age, please?');
    await c.catalog.stop();
  });

  it('publishes nothing new for the files already live', async () => {
    const live = await releases.live();
    const r = await releases.publish(live.files, { source: 'import', by: 'ana', note: 'same' });
    expect(r).toMatchObject({ ok: true, release: { id: live.id } });
    expect((await releases.list()).length).toBe((await releases.list()).filter((x) => x.id <= live.id).length);
  });
});
