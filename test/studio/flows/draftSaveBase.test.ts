/**
 * Two people editing the one draft at once (issue 13): a save that says which text each of its
 * files started from is refused only when one of those files changed since, and otherwise lands
 * on top of whatever was saved meanwhile. A save without that keeps the old rule (any save since
 * is a conflict). Flow tests can be removed from the draft, like flows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Draft, StudioProblem } from '../../../src/studio/ports.ts';
import { ASKS_TEST } from '../../flows/releases/releaseFixtures.ts';
import { studioApp, type StudioApp } from './studioApp.ts';

const MAIN = 'flows/main.flow.yaml';
const UR = 'locales/ur/journey.json';
const TEST = 'flows/tests/asks.test.yaml';
type Saved = { revision: number; changed: string[]; problems: StudioProblem[] };

describe('studio flows API: saving on top of other people\'s saves', () => {
  let s: StudioApp;
  beforeAll(async () => {
    s = await studioApp();
  });
  afterAll(async () => {
    await s?.close();
  });
  const draft = async () => (await s.api<Draft>('viewer', 'GET', '/draft')).body;

  it('a save made on an older revision lands when only other files changed meanwhile', async () => {
    const start = await draft();
    const mainBefore = start.files[MAIN]!;
    // The editor opened main at this revision; then a translator saved the Urdu wording.
    const urdu = start.files[UR]!.replace('"finish": "', '"finish": "ابھی ');
    const wording = await s.api<Saved>('translator', 'PUT', '/draft/files', { revision: start.revision, files: { [UR]: urdu } });
    expect(wording.status).toBe(200);
    const edited = `${mainBefore}# edited in the editor\n`;
    expect(edited).not.toBe(mainBefore);
    const res = await s.api<Saved>('coordinator', 'PUT', '/draft/files', { revision: start.revision, base: { [MAIN]: mainBefore }, files: { [MAIN]: edited } });
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(wording.body.revision + 1);
    const after = await draft();
    expect(after.files[MAIN]).toBe(edited);
    expect(after.files[UR]).toBe(urdu);
    expect(after.updatedBy).toBe('coordinator@example.org');
  });

  it('without a base, the same save on an older revision is still refused (old clients)', async () => {
    const start = await draft();
    await s.api<Saved>('translator', 'PUT', '/draft/files', { revision: start.revision, files: { [UR]: start.files[UR]!.replace('ابھی ', '') } });
    const res = await s.api('coordinator', 'PUT', '/draft/files', { revision: start.revision, files: { [MAIN]: `${start.files[MAIN]!}# an old client\n` } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('draft_conflict');
    expect((await draft()).files[MAIN]).toBe(start.files[MAIN]);
  });

  it('refuses with 409 naming the file, who saved, and their text, when that very file changed since', async () => {
    const start = await draft();
    const mine = `${start.files[MAIN]!}# mine\n`;
    const theirs = `${start.files[MAIN]!}# theirs\n`;
    const first = await s.api<Saved>('coordinator', 'PUT', '/draft/files', { revision: start.revision, base: { [MAIN]: start.files[MAIN] }, files: { [MAIN]: theirs } });
    expect(first.status).toBe(200);
    const res = await s.api('coordinator', 'PUT', '/draft/files', { revision: start.revision, base: { [MAIN]: start.files[MAIN] }, files: { [MAIN]: mine } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'draft_conflict', paths: [MAIN], updatedBy: 'coordinator@example.org', theirs: { [MAIN]: theirs } });
    expect(res.body.error.message).toContain(`${MAIN} changed since you opened it`);
    expect((await draft()).files[MAIN]).toBe(theirs);
  });

  it('a base must name every file saved (400), and is checked like the files', async () => {
    const start = await draft();
    const res = await s.api('coordinator', 'PUT', '/draft/files', { revision: start.revision, base: { [UR]: start.files[UR] }, files: { [MAIN]: start.files[MAIN] } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`base.${MAIN}`);
    const notText = await s.api('coordinator', 'PUT', '/draft/files', { revision: start.revision, base: { [MAIN]: 7 }, files: { [MAIN]: start.files[MAIN] } });
    expect(notText.status).toBe(400);
  });

  it('a new flow test is saved with a null base, and a coordinator may remove it again', async () => {
    const start = await draft();
    const added = await s.api<Saved>('coordinator', 'PUT', '/draft/files', { revision: start.revision, base: { [TEST]: null }, files: { [TEST]: ASKS_TEST } });
    expect(added.status).toBe(200);
    expect((await draft()).files[TEST]).toBe(ASKS_TEST);
    const translator = await s.api('translator', 'PUT', '/draft/files', { revision: added.body.revision, base: { [TEST]: ASKS_TEST }, files: { [TEST]: null } });
    expect(translator.status).toBe(403);
    const removed = await s.api<Saved>('coordinator', 'PUT', '/draft/files', { revision: added.body.revision, base: { [TEST]: ASKS_TEST }, files: { [TEST]: null } });
    expect(removed.status).toBe(200);
    expect(Object.keys((await draft()).files)).not.toContain(TEST);
    const commands = await s.api('coordinator', 'PUT', '/draft/files', { revision: removed.body.revision, files: { 'flows/commands.yaml': null } });
    expect(commands.status).toBe(400);
  });
});
