import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchVacancies } from '../../../src/domain/vacancies/matchVacancies.ts';
import { describeMismatch, matchVacancy } from '../../../src/domain/vacancies/matchVacancy.ts';
import { personSpecSchema } from '../../../src/domain/vacancies/personSpec.ts';
import { seedPartners } from '../../../src/domain/vacancies/seedPartners.ts';
import type { VacancySummary } from '../../../src/domain/vacancies/vacancySummary.ts';
import { noticeWriter } from '../../../src/domain/shared/notices.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { loadNotices } from '../courses/fixtures.ts';

const porter: VacancySummary = {
  id: 'p',
  partnerId: 'uhb',
  partnerName: 'UHB',
  role: 'Porter',
  jobFamily: 'facilities',
  band: '2',
  hoursPerWeek: 37.5,
  site: { id: 'heartlands', name: 'Heartlands Hospital' },
  closingDate: '2027-02-14',
  startDate: '2027-03-01',
  minAge: 18,
  requirements: ['drivingLicence'],
  label: 'Porter, UHB, Heartlands Hospital',
};
const fits = personSpecSchema.parse({ jobFamilies: ['facilities'], age: 18, hasDrivingLicence: true });

describe('matchVacancy (pure)', () => {
  it('fits when every rule passes, including on the closing date itself', () => {
    expect(matchVacancy(porter, fits, '2027-02-14')).toEqual([]);
  });

  it.each([
    ['closed', fits, '2027-02-15', [{ type: 'closed', closingDate: '2027-02-14' }]],
    ['job family', { ...fits, jobFamilies: ['medical' as const] }, '2027-01-01', [{ type: 'jobFamily', jobFamily: 'facilities' }]],
    ['hours', { ...fits, hoursPerWeek: { max: 30 } }, '2027-01-01', [{ type: 'hours', hoursPerWeek: 37.5 }]],
    ['site', { ...fits, sites: ['qeh'] }, '2027-01-01', [{ type: 'site', siteName: 'Heartlands Hospital' }]],
    ['start date', { ...fits, availableFrom: '2027-03-02' }, '2027-01-01', [{ type: 'startDate', startDate: '2027-03-01' }]],
    ['age 17', { ...fits, age: 17 }, '2027-01-01', [{ type: 'minAge', minAge: 18 }]],
    ['licence', { ...fits, hasDrivingLicence: false }, '2027-01-01', [{ type: 'drivingLicence' }]],
  ])('does not fit: %s', (_name, spec, today, reasons) => {
    expect(matchVacancy(porter, spec, today)).toEqual(reasons);
  });

  it('gives every failing reason, in words', async () => {
    const reasons = matchVacancy(porter, { ...fits, age: 16, hasDrivingLicence: false }, '2027-01-01');
    const en = noticeWriter(await loadNotices(), 'en');
    expect(reasons.map((m) => describeMismatch(m, en))).toEqual(['You need to be 18 or older.', 'You need a driving licence.']);
  });

  it("says every kind of reason in the resident's language, dates included", async () => {
    const all = [
      { type: 'closed', closingDate: '2027-02-14' },
      { type: 'jobFamily', jobFamily: 'facilities' },
      { type: 'hours', hoursPerWeek: 37.5 },
      { type: 'site', siteName: 'Heartlands Hospital' },
      { type: 'startDate', startDate: '2027-03-01' },
      { type: 'minAge', minAge: 18 },
      { type: 'drivingLicence' },
    ] as const;
    const notices = await loadNotices();
    expect(all.map((m) => describeMismatch(m, noticeWriter(notices, 'en')))).toEqual([
      'It closed on Sunday 14 February 2027.',
      'It is not the kind of job you chose.',
      'It is 37.5 hours a week.',
      'It is at Heartlands Hospital.',
      'It starts on Monday 1 March 2027. That is before you can start.',
      'You need to be 18 or older.',
      'You need a driving licence.',
    ]);
    expect(all.map((m) => describeMismatch(m, noticeWriter(notices, 'ur')))).toEqual([
      'اس کی آخری تاریخ اتوار، 14 فروری، 2027 تھی۔',
      'یہ اس قسم کی نوکری نہیں جو آپ نے چنی ہے۔',
      'یہ ہفتے میں 37.5 گھنٹے کی نوکری ہے۔',
      'یہ ہارٹ لینڈز ہسپتال میں ہے۔',
      'یہ پیر، 1 مارچ، 2027 کو شروع ہوتی ہے، اور آپ اس وقت تک کام شروع نہیں کر سکتے۔',
      'آپ کی عمر کم از کم 18 سال ہونی چاہیے۔',
      'آپ کے پاس ڈرائیونگ لائسنس ہونا ضروری ہے۔',
    ]);
  });
});

describe('matchVacancies against flows/partners.yaml', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await seedPartners(t.db);
  });
  afterAll(() => t?.close());

  it('seeding again changes nothing', async () => {
    const again = await seedPartners(t.db);
    const n = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM vacancies`);
    expect(n.rows[0]!.n).toBe(again.vacancies);
  });

  it('a 17-year-old without a licence sees the jobs that fit and why the others do not', async () => {
    const spec = personSpecSchema.parse({ jobFamilies: ['facilities', 'administration'], age: 17 });
    const r = await matchVacancies(t.db, spec, new Date('2027-01-10T12:00:00Z'));
    expect(r.fitting.map((v) => v.id).sort()).toEqual(['bchc-catering-2027-1', 'bchc-receptionist-2027-1', 'uhb-domestic-heartlands-2027-1']);
    const why = Object.fromEntries(r.notFitting.map((n) => [n.vacancy.id, n.reasons.map((x) => x.type)]));
    expect(why['uhb-porter-heartlands-2027-1']).toEqual(['minAge', 'drivingLicence']);
    expect(why['uhb-hcsw-qeh-2027-1']).toEqual(['jobFamily', 'minAge']);
    expect(r.fitting.find((v) => v.id === 'bchc-catering-2027-1')).toMatchObject({
      hoursPerWeek: 18.75,
      closingDate: '2027-03-14',
      // "Catering assistant, Moseley Hall Hospital" is 41 characters: the button is the job alone.
      label: 'Catering assistant',
    });
  });
});
