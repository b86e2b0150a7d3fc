import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationProfileSchema } from '../../../src/domain/applications/applicationProfile.ts';
import { applicationStatus } from '../../../src/domain/applications/applicationStatus.ts';
import { exportPartnerApplications } from '../../../src/domain/applications/exportPartnerApplications.ts';
import { applicationJobHandlers, setApplicationStatus } from '../../../src/domain/applications/setApplicationStatus.ts';
import { submitApplication } from '../../../src/domain/applications/submitApplication.ts';
import { parseCsv } from '../../../src/domain/shared/csv.ts';
import type { Send } from '../../../src/domain/shared/send.ts';
import { seedPartners } from '../../../src/domain/vacancies/seedPartners.ts';
import type { Reply } from '../../../src/engine/reply.ts';
import { flatKeys, loadLocales } from '../../../src/i18n.ts';
import { JobRunner } from '../../../src/jobs/JobRunner.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import type { Notices } from '../../../src/domain/shared/notices.ts';
import { addConversations, loadNotices, setLocale } from '../courses/fixtures.ts';
import { agreeToShare } from '../../helpers/consent.ts';

const NOW = new Date('2027-01-10T12:00:00Z');
const profile = applicationProfileSchema.parse({
  jobFamilies: ['facilities', 'administration'],
  age: 19,
  hoursPerWeek: { min: 15 },
  hasDrivingLicence: false,
  valuesStatements: ['=HYPERLINK("x")', 'I like helping people, and I am always on time.'],
});
const UHB_TWO = ['uhb-domestic-heartlands-2027-1', 'uhb-ward-clerk-solihull-2027-1'];
const THREE = [...UHB_TWO, 'bchc-receptionist-2027-1'];

describe('applications', () => {
  let t: TestDb;
  let ada: string;
  let ben: string;
  const sent: { to: string; replies: Reply[] }[] = [];
  const send: Send = async (to, replies) => void sent.push({ to, replies });
  let notices: Notices;
  beforeAll(async () => {
    t = await createTestDb();
    notices = await loadNotices();
    await seedPartners(t.db);
    [ada, ben] = (await addConversations(t.db, 'app', 2)) as [string, string];
    for (const c of [ada, ben]) await agreeToShare(t.db, c, ['uhb', 'bchc']);
  });
  afterAll(() => t?.close());

  // Both residents agreed to share with every partner (the flow asks before applying); see below for one who did not.
  const submit = (conversationId: string, vacancyIds: string[], p = profile, sharedWith: string[] = ['uhb', 'bchc']) =>
    t.db.transaction((tx) => submitApplication(tx, { conversationId, profile: p, vacancyIds, sharedWith }, NOW));

  it('one application links to three vacancies, and applying again reuses it', async () => {
    const r = await submit(ada, THREE);
    expect(r).toMatchObject({ type: 'submitted', added: THREE });
    const again = await submit(ada, [THREE[0]!]);
    expect(again).toMatchObject({ type: 'submitted', added: [] });
    expect(r.type === 'submitted' && again.type === 'submitted' && r.applicationId === again.applicationId).toBe(true);
    const status = await applicationStatus(t.db, ada);
    expect(status.type === 'found' ? status.vacancies.map((v) => [v.vacancyId, v.status]) : []).toEqual(
      THREE.map((id) => [id, 'submitted']),
    );
    const apps = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications WHERE conversation_id = $1`, [ada]);
    expect(apps.rows[0]!.n).toBe(1);
  });

  it('refuses, writing nothing, when a chosen vacancy does not fit or does not exist', async () => {
    const r = await submit(ben, ['uhb-porter-heartlands-2027-1', 'bchc-catering-2027-1', 'nope']);
    expect(r).toEqual({
      type: 'refused',
      problems: [
        { vacancyId: 'uhb-porter-heartlands-2027-1', unknown: false, reasons: [{ type: 'drivingLicence' }] },
        { vacancyId: 'nope', unknown: true, reasons: [] },
      ],
    });
    expect(await applicationStatus(t.db, ben)).toEqual({ type: 'none' });
  });

  it('a status change tells the resident; the same status again does not', async () => {
    const s = await applicationStatus(t.db, ada);
    const clerk = s.type === 'found' ? s.vacancies.find((v) => v.vacancyId === 'uhb-ward-clerk-solihull-2027-1')! : undefined;
    sent.length = 0;
    expect(await setApplicationStatus(t.db, { send, notices }, clerk!.applicationVacancyId, 'interview')).toEqual({
      type: 'updated',
      from: 'submitted',
      to: 'interview',
      notified: true,
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(ada);
    expect(sent[0]!.replies[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Ward clerk') });
    expect(await setApplicationStatus(t.db, { send, notices }, clerk!.applicationVacancyId, 'interview')).toEqual({ type: 'unchanged', status: 'interview' });
    expect(sent).toHaveLength(1);
    expect(await setApplicationStatus(t.db, { send, notices }, 999_999, 'offered')).toEqual({ type: 'notFound' });
    const after = await applicationStatus(t.db, ada);
    expect(after.type === 'found' && after.vacancies.find((v) => v.vacancyId === clerk!.vacancyId)?.status).toBe('interview');
  });

  it('a notice that fails to send is queued and retried by the job runner', async () => {
    const s = await applicationStatus(t.db, ada);
    const id = s.type === 'found' ? s.vacancies[0]!.applicationVacancyId : -1;
    const r = await setApplicationStatus(t.db, { send: async () => Promise.reject(new Error('channel down')), notices }, id, 'shortlisted', { now: NOW });
    expect(r).toMatchObject({ type: 'updated', notified: false });
    sent.length = 0;
    const runner = new JobRunner({ db: t.db, clock: () => NOW, handlers: applicationJobHandlers({ send, notices }) });
    expect(await runner.runOnce()).toBe(1);
    expect(sent.map((x) => x.to)).toEqual([ada]);
  });

  it('a partner export holds only that partner\'s rows', async () => {
    await submit(ben, ['bchc-catering-2027-1']);
    const uhb = await exportPartnerApplications(t.db, 'uhb');
    const bchc = await exportPartnerApplications(t.db, 'bchc');
    expect(uhb.type).toBe('csv');
    const rows = (r: typeof uhb) => (r.type === 'csv' ? parseCsv(r.csv).map((x) => x.fields) : []);
    const [header, ...uhbRows] = rows(uhb);
    const col = (name: string) => header!.indexOf(name);
    expect(uhbRows.map((r) => r[col('vacancy_id')]).sort()).toEqual([...UHB_TWO].sort());
    expect(rows(bchc).slice(1).map((r) => r[col('vacancy_id')]).sort()).toEqual(['bchc-catering-2027-1', 'bchc-receptionist-2027-1']);
    // Values statements travel with the row; a formula-looking answer is defused.
    expect(uhbRows[0]![col('values_statements')]).toMatch(/^'=HYPERLINK/);
    expect(await exportPartnerApplications(t.db, 'nobody')).toEqual({ type: 'unknownPartner', partnerId: 'nobody' });
  });

  it('an Urdu resident hears of a status change in Urdu, right to left', async () => {
    await setLocale(t.db, ben, 'ur');
    const s = await applicationStatus(t.db, ben);
    const catering = s.type === 'found' ? s.vacancies.find((v) => v.vacancyId === 'bchc-catering-2027-1') : undefined;
    sent.length = 0;
    expect(await setApplicationStatus(t.db, { send, notices }, catering!.applicationVacancyId, 'offered')).toMatchObject({ notified: true });
    expect(sent.map((x) => x.to)).toEqual([ben]);
    const [notice] = sent[0]!.replies;
    expect(notice).toMatchObject({ type: 'text', locale: 'ur', dir: 'rtl' });
    // Role and employer in Urdu too (their names in flows/partners.yaml), never the English ones.
    expect(catering!.role).toBe('Catering assistant');
    expect(notice?.type === 'text' && notice.text).toBe(
      `این ایچ ایس میں کھانے کی تیاری میں معاون کے لیے آپ کی درخواست کے بارے میں ایک خبر۔ ` +
        'بہت بڑی خوشخبری: انہوں نے آپ کو نوکری کی پیشکش کی ہے! وہ اگلے مراحل اور جانچ کے بارے میں آپ سے رابطہ کریں گے۔',
    );
  });

  it('every notice has wording in both languages', async () => {
    const [en, ur] = await Promise.all(['en', 'ur'].map(async (l) => flatKeys((await loadLocales('locales'))[l]!)));
    const noticeKeys = (keys: Set<string>) => [...keys].filter((k) => k.startsWith('notices.')).sort();
    expect(noticeKeys(en!).length).toBeGreaterThan(20);
    expect(noticeKeys(ur!)).toEqual(noticeKeys(en!));
  });
});

