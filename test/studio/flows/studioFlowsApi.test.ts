import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Draft, FilesDiff, LiveImpact, ReleaseSummary, StudioProblem } from '../../../src/studio/ports.ts';
import { ASKS_TEST, V1 } from '../../flows/releases/releaseFixtures.ts';
import { studioApp, type StudioApp } from './studioApp.ts';

const MAIN = 'flows/main.flow.yaml';
const UR = 'locales/ur/journey.json';
type Saved = { revision: number; changed: string[]; problems: StudioProblem[] };

describe('studio flows API: the draft', () => {
  let s: StudioApp;
  beforeAll(async () => {
    s = await studioApp();
  });
  afterAll(async () => {
    await s?.close();
  });
  const draft = async () => (await s.api<Draft>('viewer', 'GET', '/draft')).body;

  it('starts as the live release: every shipped file, nothing changed, revision 0', async () => {
    const res = await s.api<Draft>('viewer', 'GET', '/draft');
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(0);
    expect(res.body.baseRelease).toBe(1);
    expect(res.body.changed).toEqual([]);
    expect(res.body.files[MAIN]).toBe(s.shipped[MAIN]);
    expect(Object.keys(res.body.files)).toContain('locales/ur/journey.json');
    expect(Object.keys(res.body.files)).toContain('flows/commands.yaml');
  });

  it('is closed to someone not signed in (401) and to a change without the CSRF token (403)', async () => {
    expect((await s.api(undefined, 'GET', '/draft')).status).toBe(401);
    const r = await s.api('coordinator', 'PUT', '/draft/files', { revision: 0, files: { [UR]: '{}' } }, { csrf: false });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('csrf_failed');
  });

  it('refuses a bad body with 400 and says which field is wrong', async () => {
    const noRevision = await s.api('coordinator', 'PUT', '/draft/files', { files: { [UR]: '{}' } });
    expect(noRevision.status).toBe(400);
    expect(noRevision.body.error.message).toMatch(/revision/);
    const unknownPath = await s.api('coordinator', 'PUT', '/draft/files', { revision: 0, files: { 'src/app.ts': 'x', [UR]: '{}' } });
    expect(unknownPath.status).toBe(400);
    expect(unknownPath.body.error.message).toContain('"src/app.ts" is not a flow');
    const removeLocale = await s.api('coordinator', 'PUT', '/draft/files', { revision: 0, files: { [UR]: null } });
    expect(removeLocale.status).toBe(400);
    expect(removeLocale.body.error.message).toContain('only flows (flows/<id>.flow.yaml) and flow tests');
    const tooBig = await s.api('coordinator', 'PUT', '/draft/files', { revision: 0, files: { [UR]: 'x'.repeat(1_000_001) } });
    expect(tooBig.status).toBe(400);
    expect((await draft()).revision).toBe(0);
  });

  it('lets a translator change wording but not a flow (403 naming the path), and a viewer nothing', async () => {
    const flow = await s.api('translator', 'PUT', '/draft/files', { revision: 0, files: { [MAIN]: s.shipped[MAIN]!.replace('The whole resident journey', 'The journey') } });
    expect(flow.status).toBe(403);
    expect(flow.body.error.code).toBe('forbidden');
    expect(flow.body.error.message).toContain(MAIN);
    const viewer = await s.api('viewer', 'PUT', '/draft/files', { revision: 0, files: { [UR]: s.shipped[UR] } });
    expect(viewer.status).toBe(403);
    const wording = await s.api<Saved>('translator', 'PUT', '/draft/files', { revision: 0, files: { [UR]: s.shipped[UR]!.replace('"finish": "', '"finish": "ابھی ') } });
    expect(wording.status).toBe(200);
    expect(wording.body.revision).toBe(1);
    expect(wording.body.changed).toEqual([UR]);
    const d = await draft();
    expect(d.files[UR]).toContain('"finish": "ابھی ');
    expect(d.updatedBy).toBe('translator@example.org');
    expect(s.guard.audits.at(-1)).toMatchObject({ action: 'flows.draft.save', subject: '1', detail: { paths: [UR] } });
  });

  it('answers 409 draft_conflict with who saved when the revision moved on, and keeps their save', async () => {
    const stale = await s.api('coordinator', 'PUT', '/draft/files', { revision: 0, files: { [MAIN]: `${s.shipped[MAIN]}\n# stale\n` } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'draft_conflict', revision: 1, updatedBy: 'translator@example.org' });
    expect((await draft()).files[MAIN]).toBe(s.shipped[MAIN]);
  });

  it('lets one of two racing saves win; the other gets 409 and changes nothing', async () => {
    const { revision } = await draft();
    const a = `${s.shipped[MAIN]}\n# from A\n`;
    const b = `${s.shipped[MAIN]}\n# from B\n`;
    const [ra, rb] = await Promise.all([
      s.api('coordinator', 'PUT', '/draft/files', { revision, files: { [MAIN]: a } }),
      s.api('coordinator', 'PUT', '/draft/files', { revision, files: { [MAIN]: b } }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const d = await draft();
    expect(d.revision).toBe(revision + 1);
    expect(d.files[MAIN]).toBe(ra.status === 200 ? a : b);
  });

  it('saves a broken file, answers its problems with their place, and check reports them too', async () => {
    const { revision } = await draft();
    const saved = await s.api<Saved>('coordinator', 'PUT', '/draft/files', { revision, files: { 'locales/ur/core.json': '{ "welcome": ' } });
    expect(saved.status).toBe(200);
    expect(saved.body.problems.some((p) => p.file === 'locales/ur/core.json' && p.severity === 'error')).toBe(true);
    const check = await s.api<{ problems: StudioProblem[] }>('viewer', 'GET', '/draft/check');
    expect(check.body.problems.map((p) => p.file)).toContain('locales/ur/core.json');
  });

  it('discards back to the live release (coordinators only)', async () => {
    const { revision, changed } = await draft();
    expect(changed.length).toBeGreaterThan(0);
    expect((await s.api('translator', 'POST', '/draft/discard', { revision })).status).toBe(403);
    expect((await s.api('coordinator', 'POST', '/draft/discard', { revision: revision - 1 })).status).toBe(409);
    const res = await s.api<Draft>('coordinator', 'POST', '/draft/discard', { revision });
    expect(res.status).toBe(200);
    expect(res.body.changed).toEqual([]);
    expect(res.body.revision).toBe(revision + 1);
    expect(res.body.files).toEqual(s.shipped);
    expect((await draft()).files[MAIN]).toBe(s.shipped[MAIN]);
  });

  it('adds and removes a flow file', async () => {
    const { revision } = await draft();
    const added = await s.api<Saved>('coordinator', 'PUT', '/draft/files', { revision, files: { 'flows/extra.flow.yaml': 'id: extra\nsteps:\n  bye:\n    end: true\n' } });
    expect(added.body.changed).toEqual(['flows/extra.flow.yaml']);
    const removed = await s.api<Saved>('coordinator', 'PUT', '/draft/files', { revision: added.body.revision, files: { 'flows/extra.flow.yaml': null } });
    expect(removed.body.changed).toEqual([]);
  });

  it('carries its edits onto a release published meanwhile (flows import), so publishing it undoes nothing', async () => {
    const edited = s.shipped[UR]!.replace('"finish": "', '"finish": "بس ');
    await s.api('translator', 'PUT', '/draft/files', { revision: (await draft()).revision, files: { [UR]: edited } });
    const imported = V1.replace('journey.goodbye', 'consent.thanks');
    const r = await s.releases.publish({ ...(await s.releases.live()).files, [MAIN]: imported }, { source: 'import', by: 'cli', note: 'flows import' });
    expect(r.ok).toBe(true);
    const d = await draft();
    expect(d.baseRelease).toBe(r.ok ? r.release.id : -1);
    expect(d.files[MAIN]).toBe(imported);
    expect(d.files[UR]).toBe(edited);
    expect(d.changed).toEqual([UR]);
    const published = await s.api<{ release: ReleaseSummary }>('coordinator', 'POST', '/publish', { revision: d.revision, note: 'Urdu wording' });
    expect(published.status).toBe(200);
    const live = await s.releases.live();
    expect([live.files[MAIN], live.files[UR]]).toEqual([imported, edited]);
  }, 120_000);
});

describe('studio flows API: publish, history, diff and revert', () => {
  let s: StudioApp;
  beforeAll(async () => {
    s = await studioApp();
  });
  afterAll(async () => {
    await s?.close();
  });
  const draft = async () => (await s.api<Draft>('viewer', 'GET', '/draft')).body;
  const save = async (files: Record<string, string | null>) => {
    const r = await s.api<Saved>('coordinator', 'PUT', '/draft/files', { revision: (await draft()).revision, files });
    expect(r.status).toBe(200);
    return r.body;
  };
  // The goodbye reads "thanks" instead: a change no resident is stranded by.
  const changedMain = () => V1.replace('journey.goodbye', 'consent.thanks');

  it('publishes only for coordinators, and only the revision it names', async () => {
    await save({ [MAIN]: changedMain() });
    expect((await s.api('translator', 'POST', '/publish', { revision: 1, note: 'warmer goodbye' })).status).toBe(403);
    const stale = await s.api('coordinator', 'POST', '/publish', { revision: 0, note: 'warmer goodbye' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('draft_conflict');
    const longNote = await s.api('coordinator', 'POST', '/publish', { revision: 1, note: 'x'.repeat(501) });
    expect(longNote.status).toBe(400);
    expect(longNote.body.error.message).toContain('note: a note may be at most 500 characters');
    const badPolicy = await s.api('coordinator', 'POST', '/publish', { revision: 1, note: 'x', orphanPolicy: 'ignore' });
    expect(badPolicy.status).toBe(400);
    expect(badPolicy.body.error.message).toMatch(/^the request body: orphanPolicy: /);
  });

  it('refuses a draft with checker errors, naming the line and a "did you mean"', async () => {
    const broken = await save({ [MAIN]: V1.replace('    question: about.ageQuestion\n', '    question: about.ageQuestion\n    next: dne\n') });
    expect(broken.problems).toContainEqual(expect.objectContaining({ file: MAIN, line: 7, code: 'unknown_step', suggestion: 'done' }));
    const res = await s.api('coordinator', 'POST', '/publish', { revision: broken.revision, note: 'broken', orphanPolicy: 'handoff' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('publish_blocked');
    expect(res.body.error['problems']).toContainEqual(expect.objectContaining({ file: MAIN, line: 7, code: 'unknown_step' }));
    const check = await s.api<{ problems: StudioProblem[] }>('viewer', 'GET', '/draft/check');
    expect(check.body.problems).toContainEqual(expect.objectContaining({ file: MAIN, line: 7, col: 11, path: 'steps.name.next' }));
  });

  it('refuses a draft whose flow test fails, naming the test', async () => {
    const failing = ASKS_TEST.replace('about.ageQuestion', 'journey.goodbye');
    const saved = await save({ [MAIN]: changedMain(), 'flows/tests/asks.test.yaml': failing });
    const res = await s.api('coordinator', 'POST', '/publish', { revision: saved.revision, note: 'with a test' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'publish_blocked', failedTests: [{ file: 'flows/tests/asks.test.yaml' }] });
    expect(res.body.error.message).toContain('1 flow test(s) failing');
    await save({ 'flows/tests/asks.test.yaml': ASKS_TEST });
  }, 120_000);

  it('reports residents the draft would strand, and refuses to publish until a policy is chosen', async () => {
    await s.send('waiting-1', 'hi');
    await s.send('waiting-2', 'hello');
    const { revision } = await draft();
    const core = JSON.parse(s.shipped['locales/en/core.json']!) as { about: Record<string, unknown> };
    delete core.about['ageQuestion'];
    const stranding = {
      [MAIN]: changedMain().replace('about.ageQuestion', 'about.postcodeQuestion'),
      'locales/en/core.json': `${JSON.stringify(core, null, 2)}\n`,
      'flows/tests/asks.test.yaml': ASKS_TEST.replace('about.ageQuestion', 'about.postcodeQuestion'),
    };
    const saved = await s.api<Saved>('coordinator', 'PUT', '/draft/files', { revision, files: stranding });
    const report = await s.api<LiveImpact>('viewer', 'GET', '/draft/report');
    expect(report.body).toMatchObject({ live: 2, orphaned: 2, groups: [{ flowId: 'main', step: 'name', residents: 2, outcome: 'orphaned' }] });
    const refused = await s.api('coordinator', 'POST', '/publish', { revision: saved.body.revision, note: 'drop the age question' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'publish_blocked', impact: report.body });
    expect(refused.body.error.message).toContain('2 resident(s) would be orphaned');
    expect((await s.api<{ releases: ReleaseSummary[] }>('viewer', 'GET', '/releases')).body.releases).toHaveLength(1);
    // Back to a change that strands nobody.
    await save({ [MAIN]: changedMain(), 'locales/en/core.json': s.shipped['locales/en/core.json']!, 'flows/tests/asks.test.yaml': ASKS_TEST });
    expect((await s.api<LiveImpact>('viewer', 'GET', '/draft/report')).body.orphaned).toBe(0);
  }, 120_000);

  it('publishes: the draft becomes the release, nothing changed; audited', async () => {
    const before = await draft();
    expect(before.changed).toEqual([MAIN, 'flows/tests/asks.test.yaml']);
    const res = await s.api<{ release: ReleaseSummary }>('coordinator', 'POST', '/publish', { revision: before.revision, note: 'warmer goodbye' });
    expect(res.status).toBe(200);
    expect(res.body.release).toMatchObject({ id: 2, source: 'studio', createdBy: 'coordinator@example.org', note: 'warmer goodbye', live: true });
    const after = await draft();
    expect(after.baseRelease).toBe(2);
    expect(after.changed).toEqual([]);
    expect(after.revision).toBe(before.revision + 1);
    expect(after.files[MAIN]).toBe(changedMain());
    expect((await s.releases.live()).files[MAIN]).toBe(changedMain());
    expect(s.guard.audits.at(-1)).toMatchObject({ action: 'flows.publish', subject: '2', detail: { note: 'warmer goodbye', orphanPolicy: null } });
  }, 120_000);

  it('lists releases newest first and diffs one against the one before (or any other)', async () => {
    const list = await s.api<{ releases: ReleaseSummary[] }>('viewer', 'GET', '/releases');
    expect(list.body.releases.map((r) => [r.id, r.source])).toEqual([[2, 'studio'], [1, 'files']]);
    const diff = await s.api<FilesDiff>('viewer', 'GET', '/releases/2/diff');
    expect(diff.status).toBe(200);
    expect(diff.body.files.map((f) => [f.path, f.status])).toEqual([['flows/main.flow.yaml', 'changed'], ['flows/tests/asks.test.yaml', 'added']]);
    const main = diff.body.files[0]!;
    expect(main.patch).toContain('+    say: consent.thanks');
    expect(main.steps).toEqual([{ flowId: 'main', step: 'done', change: 'changed' }]);
    const reverse = await s.api<FilesDiff>('viewer', 'GET', '/releases/1/diff?against=2');
    expect(reverse.body.files[0]!.patch).toContain('-    say: consent.thanks');
    const first = await s.api<FilesDiff>('viewer', 'GET', '/releases/1/diff');
    expect(first.body.files.length).toBeGreaterThan(0);
    expect(first.body.files.every((f) => f.status === 'added')).toBe(true);
    expect((await s.api('viewer', 'GET', '/releases/99/diff')).body.error.code).toBe('release_not_found');
    expect((await s.api('viewer', 'GET', '/releases/1/diff?against=99')).status).toBe(404);
    expect((await s.api('viewer', 'GET', '/releases/abc/diff')).status).toBe(400);
  });

  it('reverts to an earlier release as a new publish of its files (coordinators only)', async () => {
    expect((await s.api('translator', 'POST', '/releases/1/revert', { note: 'back' })).status).toBe(403);
    expect((await s.api('coordinator', 'POST', '/releases/99/revert', { note: 'back' })).status).toBe(404);
    const res = await s.api<{ release: ReleaseSummary }>('coordinator', 'POST', '/releases/1/revert', { note: 'back to the first goodbye' });
    expect(res.status).toBe(200);
    expect(res.body.release).toMatchObject({ id: 3, source: 'revert', revertOf: 1, live: true });
    expect((await s.releases.live()).files).toEqual(s.shipped);
    const d = await draft();
    expect(d.files).toEqual(s.shipped);
    expect(d.changed).toEqual([]);
    expect(s.guard.audits.at(-1)).toMatchObject({ action: 'flows.revert', subject: '3', detail: { revertOf: 1 } });
    // Audits name ids, notes and paths, never file contents.
    expect(JSON.stringify(s.guard.audits)).not.toContain('consent.thanks');
  }, 120_000);
});
