/**
 * Consent per purpose (issue 12; UK GDPR as the ICO describes it): keeping the answers, sharing
 * the application with each named partner, and contact by phone or email are separate consents,
 * recorded as timestamped events with the wording version shown; sharing can be withdrawn in chat
 * ("stop sharing with …") and the partner's export no longer shows the application.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPartnerApplications } from '../../src/domain/applications/exportPartnerApplications.ts';
import { seedCourses } from '../../src/domain/courses/seedCourses.ts';
import { partnersNamed } from '../../src/domain/privacy/sharing.ts';
import { seedPartners } from '../../src/domain/vacancies/seedPartners.ts';
import type { Reply } from '../../src/engine/reply.ts';
import type { FlowCatalog } from '../../src/flows/catalog.ts';
import { consentHistory, grantedScopes } from '../../src/store/consentEvents.ts';
import { privacyAuditOf } from '../../src/store/privacyAudit.ts';
import { shippedEngine, type ShippedEngine } from '../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { createTranslator, loadLocales } from '../../src/i18n.ts';
import { noticeWriter, noticesFromTranslator } from '../../src/domain/shared/notices.ts';

const POSTCODES = 'http://postcodes.consent.test';
const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type)).join('\n');
/** A partner's CSV export (the partner exists in the shipped data). */
async function csvOf(db: Parameters<typeof exportPartnerApplications>[0], partner: string): Promise<string> {
  const out = await exportPartnerApplications(db, partner);
  if (out.type !== 'csv') throw new Error(`no partner ${partner}`);
  return out.csv;
}
const values = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'choices' ? r.choices.map((c) => c.value) : []));

describe('consent per purpose, withdrawable in chat', () => {
  let t: TestDb;
  let catalog: FlowCatalog;
  let send: ShippedEngine['send'];

  beforeAll(async () => {
    t = await createTestDb();
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    await seedCourses(t.db, 'flows/courses.yaml');
    await seedPartners(t.db, 'flows/partners.yaml');
    ({ catalog, send } = await shippedEngine(t.db, { env: { POSTCODES_IO_URL: POSTCODES } }));
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await t?.close();
  });

  let pc = 0;
  /** Up to the share question, with vacancies of both NHS partners chosen. */
  async function upToSharing(c: string): Promise<string> {
    const postcode = `B11 ${++pc}AA`;
    nock(POSTCODES)
      .get(`/postcodes/${encodeURIComponent(postcode)}`)
      .reply(200, {
        status: 200,
        result: { postcode, admin_district: 'Birmingham', admin_ward: 'Tyseley & Hay Mills', codes: { admin_district: 'E08000025', admin_ward: 'E05011182', lsoa: 'E01033620', lsoa11: 'E01008882', lsoa21: 'E01033620' } },
      });
    for (const m of ['hello', 'English', 'yes', '30', 'looking for work', 'no never', 'yes']) await send(c, m);
    const decision = await send(c, postcode);
    await send(c, undefined, values(decision)[0]);
    await send(c, 'admin and facilities');
    const offered = await send(c, 'yes');
    const ids = values(offered).filter((v) => v !== '*');
    // One UHB and one BCHC vacancy.
    const pick = [ids.findIndex((id) => id.startsWith('uhb-')), ids.findIndex((id) => id.startsWith('bchc-'))].map((i) => i + 1);
    expect(pick.every((i) => i > 0)).toBe(true);
    await send(c, `${pick[0]} and ${pick[1]}`);
    return texts(await send(c, 'I like helping people and I am good with the public.'));
  }

  it('asks before sharing, names each partner, and records each agreement with the wording version', async () => {
    const c = 'consent-share';
    const question = await upToSharing(c);
    expect(question).toBe(
      'We will send your application to Birmingham Community Healthcare NHS Foundation Trust and University Hospitals Birmingham NHS Foundation Trust. They will see your answers and what you wrote. Is that OK?',
    );
    // Nothing is shared before the answer.
    expect((await csvOf(t.db, 'uhb'))).not.toContain(c);
    expect(texts(await send(c, 'yes'))).toContain('We have sent one application for the jobs you picked.');
    const main = catalog.current.flows.get('main')!;
    const history = await consentHistory(t.db, c);
    expect(history.map((e) => [e.purpose, e.scope, e.granted, e.wordingKey, e.wordingVersion])).toEqual([
      ['keep_answers', '', true, 'consent.question', `main@${main.version}`],
      ['share_application', 'bchc', true, 'journey.shareQuestion', `main@${main.version}`],
      ['share_application', 'uhb', true, 'journey.shareQuestion', `main@${main.version}`],
    ]);
    expect(history.every((e) => e.locale === 'en' && e.at instanceof Date)).toBe(true);
    expect(await grantedScopes(t.db, c, 'share_application')).toEqual(['bchc', 'uhb']);
  });

  it('"no" to sharing sends nothing to anyone', async () => {
    const c = 'consent-refuse-share';
    await upToSharing(c);
    expect(texts(await send(c, 'no'))).toContain('We have not sent your application.');
    const { rows } = await t.db.query(`SELECT 1 FROM applications WHERE conversation_id = $1`, [c]);
    expect(rows).toEqual([]);
    expect(await grantedScopes(t.db, c, 'share_application')).toEqual([]);
    expect((await consentHistory(t.db, c)).filter((e) => e.purpose === 'share_application').map((e) => e.granted)).toEqual([false, false]);
  });

  it('"stop sharing with …" withdraws that partner only: its export no longer shows the application, the other still does', async () => {
    const c = 'consent-withdraw';
    await upToSharing(c);
    await send(c, 'yes');
    const rowsFor = async (partner: string) => (await csvOf(t.db, partner)).split('\n').filter((l) => l.includes('I like helping people')).length;
    const [uhbBefore, bchcBefore] = [await rowsFor('uhb'), await rowsFor('bchc')];
    expect(uhbBefore).toBeGreaterThan(0);
    expect(bchcBefore).toBeGreaterThan(0);

    expect(texts(await send(c, 'Stop sharing with University Hospitals Birmingham, please'))).toBe(
      'Done. We have stopped sharing your application with University Hospitals Birmingham NHS Foundation Trust. They will not see it now.',
    );
    expect(await rowsFor('uhb')).toBe(uhbBefore - 1);
    expect(await rowsFor('bchc')).toBe(bchcBefore);
    expect(await grantedScopes(t.db, c, 'share_application')).toEqual(['bchc']);
    expect(texts(await send(c, 'where is my application?'))).toMatch(/withdrawn|stopped|taken back/i);
    expect((await privacyAuditOf(t.db, c)).map((e) => `${e.action}:${e.actor}`)).toContain('consent_withdrawn:resident');

    // Applying again cannot quietly send it back: that partner needs a new agreement.
    expect(texts(await send(c, 'stop sharing with uhb'))).toBe('We share your application with Birmingham Community Healthcare NHS Foundation Trust. Who should we stop sharing with? Write "stop sharing with" and the name, or "stop sharing with all".');
    expect(texts(await send(c, 'stop sharing with all'))).toContain('Birmingham Community Healthcare NHS Foundation Trust');
    expect(await rowsFor('bchc')).toBe(bchcBefore - 1);
    expect(texts(await send(c, 'stop sharing'))).toBe('Your application goes to no one now.');
  });

  it('"stop sharing" without a name asks which, listing the partners shared with', async () => {
    const c = 'consent-which';
    await upToSharing(c);
    await send(c, 'yes');
    expect(texts(await send(c, 'stop sharing'))).toBe(
      'We share your application with Birmingham Community Healthcare NHS Foundation Trust and University Hospitals Birmingham NHS Foundation Trust. Who should we stop sharing with? Write "stop sharing with" and the name, or "stop sharing with all".',
    );
    expect(await grantedScopes(t.db, c, 'share_application')).toEqual(['bchc', 'uhb']);
    // A very long message is read, not refused: the same question back.
    expect(texts(await send(c, `stop sharing with ${'the one I do not like '.repeat(150)}`))).toMatch(/^We share your application with .* Who should we stop sharing with\?/);
    // "the NHS" is what residents are told for both partners: both stop.
    expect(texts(await send(c, "don't share with the NHS"))).toContain('Birmingham Community Healthcare NHS Foundation Trust and University Hospitals Birmingham NHS Foundation Trust');
    expect(await grantedScopes(t.db, c, 'share_application')).toEqual([]);
  });

  it('reads partner names in what residents write', () => {
    const partners = [
      { id: 'uhb', names: ['University Hospitals Birmingham NHS Foundation Trust', 'NHS'] },
      { id: 'bchc', names: ['Birmingham Community Healthcare NHS Foundation Trust', 'NHS'] },
      { id: 'bcc', names: ['Birmingham City Council', 'the council'] },
    ];
    expect(partnersNamed('the council', partners)).toEqual(['bcc']);
    expect(partnersNamed('Birmingham City Council.', partners)).toEqual(['bcc']);
    expect(partnersNamed('uhb', partners)).toEqual(['uhb']);
    expect(partnersNamed('everyone', partners)).toBe('all');
    expect(partnersNamed('nhs', partners)).toEqual(['uhb', 'bchc']);
    expect(partnersNamed('my cat', partners)).toBeUndefined();
    expect(partnersNamed('', partners)).toBeUndefined();
  });

  it('reads "all" in the resident\'s own language from the wording (Polish, Somali, Urdu), not only in English', async () => {
    const notices = noticesFromTranslator(await createTranslator(await loadLocales('locales')));
    const partners = [
      { id: 'uhb', names: ['University Hospitals Birmingham NHS Foundation Trust', 'NHS'] },
      { id: 'bcc', names: ['Birmingham City Council'] },
    ];
    const missed: string[] = [];
    for (const [lang, said] of [['pl', 'wszystkie'], ['so', 'dhammaan'], ['ur', 'سب'], ['ro', 'toate']] as const) {
      const w = noticeWriter(notices, lang);
      if (partnersNamed(said, partners, w.list?.('answers.allWords')) !== 'all') missed.push(`${lang}: ${said}`);
    }
    expect(missed).toEqual([]);
    // Another language's word for "all" is not read as "all" for a Polish resident… but English always is.
    expect(partnersNamed('dhammaan', partners, noticeWriter(notices, 'pl').list?.('answers.allWords'))).toBeUndefined();
    expect(partnersNamed('all', partners, noticeWriter(notices, 'pl').list?.('answers.allWords'))).toBe('all');
  });
});
