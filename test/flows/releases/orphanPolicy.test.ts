import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandoffs, type Handoffs } from '../../../src/channels/slack/createHandoffs.ts';
import { handoffSettings } from '../../../src/domain/handoffs/handoffSettings.ts';
import { createReleases } from '../../../src/flows/releases/createReleases.ts';
import { findConversationState } from '../../../src/store/conversationSnapshots.ts';
import { findOpenHandoff } from '../../../src/store/handoffs.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { silent } from '../../helpers/flowDir.ts';
import { filesWith, processOn, releaseDir, textsOf, V1 } from './releaseFixtures.ts';

const ALWAYS_OPEN = handoffSettings.HANDOFF_OFFICE_HOURS.schema.parse(
  JSON.stringify({ default: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])) }),
);

describe('a resident orphaned by a release, at their next turn', () => {
  let t: TestDb;
  let desk: Handoffs;
  let p: Awaited<ReturnType<typeof processOn>>;
  let releases: ReturnType<typeof createReleases>;
  let dirs: ReturnType<typeof releaseDir>;
  beforeAll(async () => {
    t = await createTestDb();
    dirs = releaseDir();
    desk = createHandoffs({
      db: t.db,
      logger: silent,
      localesDir: path.resolve('locales'),
      flowsDir: path.resolve('flows'),
      defaultLocale: 'en',
      officeHours: ALWAYS_OPEN,
      escalationMinutes: 15,
      slack: { notePrefix: 'note:' },
    });
    p = await processOn(t.db, dirs, { handoffs: desk.service });
    releases = createReleases({ db: t.db, catalog: p.catalog, logger: silent });
  });
  afterAll(async () => {
    await releases.close();
    await p.catalog.stop();
    await t.close();
  });

  /** The flow with its question's wording replaced and the old wording removed: residents waiting on it are orphaned. */
  async function without(oldKey: string, newKey: string, flow = V1) {
    const base = await filesWith(dirs, { 'flows/main.flow.yaml': flow.replace(oldKey, newKey) });
    const tree = JSON.parse(base['locales/en/core.json']!) as { about: Record<string, unknown> };
    delete tree.about[oldKey.split('.')[1]!];
    return { ...base, 'locales/en/core.json': JSON.stringify(tree, null, 2) };
  }

  it('hands them to an adviser under the handoff policy, and tells them plainly, in their language', async () => {
    await p.send('handed', 'hi');
    await p.send('handed-ur', 'سلام', 'ur');
    await p.send('restarted', 'hi');
    const files = await without('about.ageQuestion', 'about.postcodeQuestion');
    const r = await releases.publish(files, { source: 'studio', by: 'ana', note: 'ask the postcode', orphanPolicy: 'handoff' });
    expect(r).toMatchObject({ ok: true });

    const replies = textsOf(await p.send('handed', 'Sam'));
    expect(replies[0]).toBe('Sorry, the questions have changed since we last spoke. I will pass you to an adviser. They will help you from here.');
    const handoff = await findOpenHandoff(t.db, 'handed');
    expect(handoff).toMatchObject({ reason: 'flow_changed', status: 'queued' });
    expect((await findConversationState(t.db, 'handed'))?.snapshot).toBeNull();

    const urdu = textsOf(await p.send('handed-ur', 'سام'));
    expect(urdu[0]).toBe('معذرت، ہماری پچھلی بات کے بعد سوالات بدل گئے ہیں۔ میں آپ کو ایک مشیر کے پاس بھیج رہا ہوں۔ وہ یہاں سے آپ کی مدد کریں گے۔');
    expect(await findOpenHandoff(t.db, 'handed-ur')).toMatchObject({ reason: 'flow_changed', locale: 'ur' });
  });

  it('starts them again with the reason under the restart policy', async () => {
    // Still without the wording `restarted` waits on (the first version's question), and one more change.
    const next = await without('about.ageQuestion', 'about.postcodeQuestion', V1.replace('type: text', 'type: text\n    hint: about.ageHint'));
    const refused = await releases.publish(next, { source: 'studio', by: 'ana', note: 'a hint' });
    expect(refused).toMatchObject({ ok: false, impact: { orphaned: 1, groups: [{ step: 'name', residents: 1, outcome: 'orphaned' }] } });
    const r = await releases.publish(next, { source: 'studio', by: 'ana', note: 'a hint', orphanPolicy: 'restart' });
    expect(r).toMatchObject({ ok: true });

    const replies = textsOf(await p.send('restarted', 'Sam'));
    expect(replies).toEqual(['Sorry, the questions have changed since we last spoke. We need to start again.', p.catalog.current.translator.t('en')('about.postcodeQuestion')]);
    expect(await findOpenHandoff(t.db, 'restarted')).toBeUndefined();
    const stored = await findConversationState(t.db, 'restarted');
    expect(stored?.snapshot).toMatchObject({ value: 'name' });
  });
  it('a declared migration that does not map the step they wait at orphans them (not a turn that fails every time)', async () => {
    await p.send('partial', 'hi');
    const { rows } = await t.db.query<{ flow_version: string }>(`SELECT flow_version FROM conversations WHERE id = 'partial'`);
    const live = await releases.live();
    const main = live.files['flows/main.flow.yaml']!;
    expect(main).toContain('  name:\n');
    // The step is renamed; the migration maps another step only.
    const renamed = `${main.replace('  name:\n', '  full_name:\n')}migrations:\n  - from: ${rows[0]!.flow_version}\n    steps: { done: done }\n`;
    const files = { ...live.files, 'flows/main.flow.yaml': renamed };
    // `partial` and `restarted` (started again above) both wait at `name`.
    expect(await releases.impact(files)).toMatchObject({ orphaned: 2, groups: [{ step: 'name', residents: 2, outcome: 'orphaned', reason: expect.stringContaining('does not map name') }] });
    expect(await releases.publish(files, { source: 'studio', by: 'ana', note: 'rename the step', orphanPolicy: 'restart' })).toMatchObject({ ok: true });

    const replies = textsOf(await p.send('partial', 'Sam'));
    expect(replies[0]).toBe('Sorry, the questions have changed since we last spoke. We need to start again.');
    expect((await findConversationState(t.db, 'partial'))?.snapshot).toMatchObject({ value: 'full_name' });
    // And the next message is an answer again, not another apology.
    expect(textsOf(await p.send('partial', 'Sam')).join(' ')).not.toContain('did not go through');
  });
});
