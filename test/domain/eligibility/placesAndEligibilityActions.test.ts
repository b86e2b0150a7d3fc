import { readFileSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ActionContext, DomainAction } from '../../../src/engine/actions.ts';
import { loadProgrammes } from '../../../src/domain/eligibility/loadProgrammes.ts';
import { eligibilityResultSchema, placesAndEligibilityActions } from '../../../src/domain/eligibility/placesAndEligibilityActions.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';

/**
 * A postcodes.io that never answers. Not nock's `.delay()`: with nock 14.0.13 a delayed reply
 * that fires after the fetch was aborted throws an unhandled InterceptorError
 * (https://github.com/nock/nock/issues/2949).
 */
const neverAnswers = () => new Promise<never>(() => {});

const BASE = 'http://postcodes.test';
const NOW = new Date('2026-11-28T12:00:00Z');

/** Recorded-shape postcodes.io answer (see test/domain/places/lookupPostcode.test.ts for the source). */
const b261eb = {
  status: 200,
  result: {
    postcode: 'B26 1EB',
    admin_district: 'Birmingham',
    admin_ward: 'Tyseley & Hay Mills',
    codes: { admin_district: 'E08000025', admin_ward: 'E05011182', lsoa: 'E01008889', lsoa11: 'E01008889', lsoa21: 'E01008889' },
  },
};

const drivers: ('pglite' | 'pg')[] = ['pglite', ...(TEST_DATABASE_URL ? (['pg'] as const) : [])];

describe.each(drivers)('places and eligibility actions on %s', (driver) => {
  let t: TestDb;
  let actions: Map<string, DomainAction>;
  /** The same actions with a short postcodes.io time limit, for the "never answers" test only. */
  let impatient: Map<string, DomainAction>;

  /** Runs an action the way the engine does: params and result checked by the action's schemas. */
  async function run(name: string, raw: Record<string, unknown>, locale = 'en', from = actions) {
    const action = from.get(name)!;
    const ctx: ActionContext = {
      conversationId: 'c1',
      activityId: 'a1',
      channel: 'test',
      userId: 'u1',
      locale,
      tx: t.db,
      now: NOW,
      signal: new AbortController().signal,
    };
    return action.result.parse(await action.run(action.params.parse(raw), ctx));
  }
  const check = async (raw: Record<string, unknown>) => eligibilityResultSchema.parse(await run('checkEligibility', raw));

  beforeAll(async () => {
    t = await createTestDb({ driver });
    const programmes = await loadProgrammes(path.resolve('flows/programmes.yaml'));
    // The real 3 s limit: a loaded CI machine must not turn a quick nock reply into a timeout.
    actions = new Map(placesAndEligibilityActions({ postcodesIoUrl: BASE, programmes }).map((a) => [a.name, a]));
    impatient = new Map(placesAndEligibilityActions({ postcodesIoUrl: BASE, programmes, fetchTimeoutMs: 100 }).map((a) => [a.name, a]));
    nock.disableNetConnect();
  });
  afterAll(async () => {
    nock.enableNetConnect();
    await t.close();
  });
  afterEach(() => nock.cleanAll());

  it('exports lookupPostcode and checkEligibility', () => {
    expect([...actions.keys()].sort()).toEqual(['checkEligibility', 'lookupPostcode']);
  });

  it('lookupPostcode resolves and caches through the turn connection', async () => {
    const scope = nock(BASE).get('/postcodes/B26%201EB').once().reply(200, b261eb);
    const first = await run('lookupPostcode', { postcode: 'b26 1eb' });
    expect(first).toMatchObject({ type: 'found', council: 'E08000025', imdDecile: 2, approximate: false });
    expect(await run('lookupPostcode', { postcode: 'B261EB' })).toEqual(first);
    scope.done();
  });

  it('checkEligibility with a postcode: I Can for a young person not in work, with reasons', async () => {
    // Usually cached by the previous test; optional so this test also runs on its own.
    nock(BASE).get('/postcodes/B26%201EB').optionally().reply(200, b261eb);
    const r = await check({
      programme: 'i-can',
      postcode: 'B26 1EB',
      age: '17',
      employmentStatus: 'notWorking',
      rightToWork: 'yes',
    });
    expect(r).toMatchObject({
      programme: { id: 'i-can', name: 'I Can' },
      eligible: true,
      status: 'eligible',
      approximate: false,
      postcode: 'found',
      headline: { key: 'eligibility.decision.eligible', params: { programme: 'I Can' } },
      alternatives: [],
    });
    expect(r.reasons.map((x) => x.rule)).toEqual(['age', 'council', 'imdDecile', 'workSituation', 'rightToWork']);
  });

  it('takes the answers as the about-you questions give them (age band, work choice)', async () => {
    nock(BASE).get('/postcodes/B26%201EB').optionally().reply(200, b261eb);
    const base = { postcode: 'B26 1EB', rightToWork: 'yes' };
    const young = await check({ ...base, ageBand: '18_24', employmentStatus: 'unemployed' });
    expect(young).toMatchObject({ programme: { id: 'i-can' }, eligible: true });
    // Works in hospitality now, age 25+: Hospitality to Health fits, I Can does not.
    const chef = await check({ ...base, ageBand: '25_plus', employmentStatus: 'hospitality' });
    expect(chef).toMatchObject({ programme: { id: 'hospitality-to-health' }, eligible: true, alternatives: [] });
    // 16-17 straddles nothing for I Can (16+) but fails Hospitality to Health (18+).
    const teen = await check({ ...base, ageBand: '16_17', employmentStatus: 'hospitality', programme: 'hospitality-to-health' });
    expect(teen.failed.map((r) => [r.rule, r.key])).toEqual([['age', 'eligibility.rule.age.bandTooYoung']]);
  });

  it('a Sandwell resident is told why not and what else fits', async () => {
    const r = await check({
      programme: 'i-can',
      council: 'E08000028',
      councilName: 'Sandwell',
      imdDecile: null,
      imdCovered: false,
      age: 30,
      employmentStatus: 'unemployed',
      rightToWork: true,
      hospitalityYearsAgo: 0,
    });
    expect(r).toMatchObject({ eligible: false, status: 'notEligible', alternatives: [] });
    expect(r.reasons.map((x) => [x.rule, x.key])).toEqual([
      ['council', 'eligibility.rule.council.failed'],
      ['imdDecile', 'eligibility.rule.imdDecile.outsideArea'],
    ]);
  });

  it('lists other programmes that fit when the chosen one does not', async () => {
    const r = await check({
      programme: 'hospitality-to-health',
      council: 'E08000025',
      imdDecile: 1,
      age: '17',
      employmentStatus: 'notWorking',
      hospitalityYearsAgo: 'never',
      atRiskOfRedundancy: 'no',
      rightToWork: 'yes',
    });
    expect(r.eligible).toBe(false);
    expect(r.reasons.map((x) => x.rule)).toEqual(['age', 'hospitality']);
    expect(r.alternatives).toEqual([{ id: 'i-can', name: 'I Can', summary: expect.any(String) }]);
  });

  it('without a programme, reports the first that fits', async () => {
    const r = await check({ council: 'E08000025', imdDecile: '1', age: 45, employmentStatus: 'unemployed', rightToWork: 'yes', hospitalityYearsAgo: 'never', atRiskOfRedundancy: 'no' });
    expect(r.programme?.id).toBe('i-can');
    expect(r.eligible).toBe(true);
  });

  it('blank or unreadable answers count as not given, and the result says what to ask', async () => {
    const r = await check({ programme: 'i-can', age: 'seventeen', employmentStatus: '', rightToWork: 'maybe' });
    expect(r.status).toBe('needMoreAnswers');
    expect(r.needs).toEqual(['age', 'postcode', 'employmentStatus', 'rightToWork']);
    expect(r.headline.key).toBe('eligibility.decision.needMoreAnswers');
    // Nothing typed yet for these: the flow asks the first one then and there.
    expect(r).toMatchObject({ outcome: 'ask', askFor: 'age' });
  });

  it('postcodes.io down: a district wholly in Birmingham gives an approximate answer that says so', async () => {
    nock(BASE).get('/postcodes/B10%200AB').reply(503, 'Service Unavailable');
    const r = await check({
      programme: 'hospitality-to-health',
      postcode: 'B10 0AB',
      age: 30,
      employmentStatus: 'unemployed',
      hospitalityYearsAgo: 1,
      rightToWork: 'yes',
    });
    expect(r).toMatchObject({ eligible: true, approximate: true, postcode: 'found', approximatePlace: true, outcome: 'eligible', askFor: null });
    expect(r.passed.find((x) => x.rule === 'council')).toMatchObject({ key: 'eligibility.rule.council.passedApproximate' });
  });

  it('postcodes.io down and a district that straddles councils: the postcode stays unknown', async () => {
    nock(BASE).get('/postcodes/B43%205AA').reply(neverAnswers);
    const raw = { programme: 'hospitality-to-health', postcode: 'B43 5AA', age: 30, employmentStatus: 'unemployed', hospitalityYearsAgo: 1, rightToWork: 'yes' };
    const r = eligibilityResultSchema.parse(await run('checkEligibility', raw, 'en', impatient));
    expect(r).toMatchObject({ eligible: false, status: 'needMoreAnswers', postcode: 'unavailable', needs: ['postcode'] });
    // Typed but not checkable: the flow says the service is down; it never asks for it again.
    expect(r).toMatchObject({ outcome: 'postcodeDown', askFor: null, approximatePlace: false });
    expect(r.missing.find((x) => x.rule === 'council')).toMatchObject({ key: 'eligibility.rule.council.notChecked' });
  });

  it('explains the answer in words, in the turn language, when given a translate function', async () => {
    const i18n = i18next.createInstance();
    const res = (lng: string) => JSON.parse(readFileSync(`locales/${lng}/eligibility.json`, 'utf8')) as object;
    await i18n.init({ resources: { en: { translation: res('en') }, ur: { translation: res('ur') } }, interpolation: { escapeValue: false } });
    const programmes = await loadProgrammes(path.resolve('flows/programmes.yaml'));
    const withWords = new Map(
      placesAndEligibilityActions({ postcodesIoUrl: BASE, programmes, translate: (k, p, lng) => i18n.t(k, { ...p, lng }) }).map((a) => [a.name, a]),
    );
    const sandwell = { programme: 'i-can', council: 'E08000028', councilName: 'Sandwell', imdDecile: null, imdCovered: false, age: 19, employmentStatus: 'employed', rightToWork: 'yes' };
    const en = eligibilityResultSchema.parse(await run('checkEligibility', sandwell, 'en', withWords));
    expect(en.explanation!.split('\n')).toEqual([
      'You cannot join Hospitality to Health right now.',
      'Hospitality to Health is for people who live in Birmingham or Solihull. You live in Sandwell.',
      'You cannot join I Can right now.',
      'I Can is for people who live in Birmingham or Solihull. You live in Sandwell.',
      'I Can is only for certain neighbourhoods of Birmingham and Solihull. Yours is not one of them.',
      'I Can is for people who are out of work and looking for work or not working and not looking for work. You told us you are in paid work.',
      'But there is more you can do. You can look at other jobs, or talk to a person.',
    ]);
    expect(en).toMatchObject({ outcome: 'nothingFits', askFor: null, alternativesCount: 0, alternativeNames: '' });
    const ur = eligibilityResultSchema.parse(await run('checkEligibility', sandwell, 'ur', withWords));
    expect(ur.explanation!.split('\n')[0]).toBe('آپ ابھی Hospitality to Health میں شامل نہیں ہو سکتے۔');
    // Without a translate function the words are left to the engine.
    expect((await check(sandwell)).explanation).toBeUndefined();
  });

  it('rejects an unknown programme id at the parameter check', () => {
    expect(actions.get('checkEligibility')!.params.safeParse({ programme: 'i-cna' }).success).toBe(false);
  });
});
