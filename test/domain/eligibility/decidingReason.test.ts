import { readFileSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { decideAll } from '../../../src/domain/eligibility/decideAll.ts';
import { eligibilityOutcome, type Outcome, type PlaceCheck } from '../../../src/domain/eligibility/eligibilityOutcome.ts';
import { explainDecisions, type Translate } from '../../../src/domain/eligibility/explainDecision.ts';
import { loadProgrammes } from '../../../src/domain/eligibility/loadProgrammes.ts';
import type { Profile } from '../../../src/domain/eligibility/profile.ts';
import { profileFromParams } from '../../../src/domain/eligibility/profileFromParams.ts';
import type { Programme } from '../../../src/domain/eligibility/programmeSchema.ts';

/**
 * The deciding reason, as a resident reads it, for every combination of the shipped programmes'
 * rules: age, where they live (council, neighbourhood decile, or a postcode service that is down),
 * work, hospitality background, job at risk, right to work. The expected sentences are written
 * out here from the rules in flows/programmes.yaml, independently of the code that builds them.
 */
const NOW = new Date('2026-11-28T12:00:00Z'); // inside the Hospitality to Health cohort

type Place = 'sandwell' | 'brumDeprived' | 'brumAffluent' | 'solihullDecile2' | 'approxBrum' | 'unchecked';
const PLACES: Record<Place, { params: Record<string, unknown>; check: PlaceCheck; unchecked?: true }> = {
  sandwell: { params: { council: 'E08000028', councilName: 'Sandwell', imdDecile: null, imdCovered: false }, check: 'exact' },
  brumDeprived: { params: { council: 'E08000025', councilName: 'Birmingham', imdDecile: 1, imdCovered: true }, check: 'exact' },
  brumAffluent: { params: { council: 'E08000025', councilName: 'Birmingham', imdDecile: 7, imdCovered: true }, check: 'exact' },
  solihullDecile2: { params: { council: 'E08000029', councilName: 'Solihull', imdDecile: 2, imdCovered: true }, check: 'exact' },
  // postcodes.io down, district wholly in Birmingham: council guessed, neighbourhood unknown.
  approxBrum: { params: { council: 'E08000025', councilName: 'Birmingham', councilApproximate: true, imdDecile: null, imdCovered: true }, check: 'approximate' },
  // postcodes.io down, district that straddles councils: nothing known.
  unchecked: { params: {}, check: 'unavailable', unchecked: true },
};
type Work = 'unemployed' | 'notWorking' | 'inEducation' | 'employed' | 'hospitality';
const STATUS_WORDS: Record<Exclude<Work, 'hospitality'>, string> = {
  unemployed: 'out of work and looking for work',
  notWorking: 'not working and not looking for work',
  inEducation: 'at school, college or on a course',
  employed: 'in paid work',
};

interface Row {
  age: number;
  place: Place;
  work: Work;
  /** Years since hospitality work; null = never (not asked of people who work there now). */
  hosp: number | null;
  atRisk: boolean | undefined;
  rtw: boolean;
}

function rows(): Row[] {
  const out: Row[] = [];
  for (const age of [15, 17, 20, 30])
    for (const place of Object.keys(PLACES) as Place[])
      for (const rtw of [true, false])
        for (const work of ['unemployed', 'notWorking', 'inEducation', 'employed', 'hospitality'] as Work[]) {
          const hasJobQuestion = work === 'inEducation' || work === 'employed' || work === 'hospitality';
          for (const hosp of work === 'hospitality' ? [0] : [null, 1, 5])
            for (const atRisk of hasJobQuestion ? [undefined, false, true] : [undefined]) out.push({ age, place, work, hosp, atRisk, rtw });
        }
  return out;
}

function profileOf(r: Row): Profile {
  const p = profileFromParams({
    age: r.age,
    employmentStatus: r.work,
    ...(r.work !== 'hospitality' && { hospitalityYearsAgo: r.hosp === null ? 'never' : r.hosp }),
    ...(r.atRisk !== undefined && { atRiskOfRedundancy: r.atRisk }),
    rightToWork: r.rtw,
    ...(PLACES[r.place].params as object),
  });
  return PLACES[r.place].unchecked ? { ...p, postcodeUnchecked: true } : p;
}

type Status = 'eligible' | 'notEligible' | 'needMoreAnswers';
interface Expected {
  status: Status;
  /** The sentences under the headline: every failed rule, or what could not be checked. */
  lines: string[];
  askable: boolean;
}

const status = (failed: string[], missing: string[], askable = false): Expected =>
  failed.length > 0
    ? { status: 'notEligible', lines: failed, askable: false }
    : missing.length > 0 || askable
      ? { status: 'needMoreAnswers', lines: missing, askable }
      : { status: 'eligible', lines: [], askable: false };

const statusOf = (r: Row) => (r.work === 'hospitality' ? 'employed' : r.work);

function whereFails(r: Row, name: string): { failed: string[]; missing: string[] } {
  if (r.place === 'sandwell') return { failed: [`${name} is for people who live in Birmingham or Solihull. You live in Sandwell.`], missing: [] };
  if (r.place === 'unchecked') return { failed: [], missing: ['We could not check where you live just now.'] };
  return { failed: [], missing: [] };
}

function hospitalityToHealth(r: Row): Expected {
  const name = 'Hospitality to Health';
  const failed: string[] = [];
  const missing: string[] = [];
  let askable = false;
  if (r.age < 18) failed.push(`${name} is for people aged 18 or older. You are ${r.age}.`);
  const where = whereFails(r, name);
  failed.push(...where.failed);
  missing.push(...where.missing);
  const recent = r.hosp !== null && r.hosp <= 2;
  if (!recent && r.atRisk !== true) {
    const noJob = r.work === 'unemployed' || r.work === 'notWorking';
    const base = `${name} is for people who work in hotels, pubs, cafes or restaurants, or did in the last 2 years.`;
    if (noJob) failed.push(`${base} ${r.hosp === null ? 'You told us you never have.' : 'You told us it was longer ago.'}`);
    else if (r.atRisk === false)
      failed.push(
        `${base} It is also for people who might lose their job soon. ${r.hosp === null ? 'You told us you never worked there, and your job is safe.' : 'You told us it was longer ago, and your job is safe.'}`,
      );
    else askable = true; // "Is your job at risk?" is truly unanswered
  }
  if (!r.rtw) failed.push(`${name} is for people who are allowed to work in the UK. You told us you are not.`);
  return status(failed, missing, askable);
}

function iCan(r: Row): Expected {
  const name = 'I Can';
  const failed: string[] = [];
  const missing: string[] = [];
  if (r.age < 16) failed.push(`${name} is for people aged 16 or older. You are ${r.age}.`);
  const where = whereFails(r, name);
  failed.push(...where.failed);
  missing.push(...where.missing);
  if (r.place === 'sandwell') failed.push(`${name} is only for certain neighbourhoods of Birmingham and Solihull. Yours is not one of them.`);
  if (r.place === 'brumAffluent') failed.push(`${name} is for people who live in certain neighbourhoods of Birmingham and Solihull. Yours is not one of them.`);
  if (r.place === 'approxBrum' || r.place === 'unchecked') missing.push('We could not check your neighbourhood just now.');
  const s = statusOf(r);
  const young = r.age >= 16 && r.age <= 24;
  if (!(s === 'unemployed' || (young && s === 'notWorking'))) {
    const told = `You told us you are ${STATUS_WORDS[s]}.`;
    if (young) failed.push(`${name} is for people who are out of work and looking for work or not working and not looking for work. ${told}`);
    else
      failed.push(
        `${name} needs one of these things, and you do not have any of them:`,
        `• ${name} is for people who are out of work and looking for work. ${told}`,
        r.age < 16 ? `• ${name} is for people aged 16 or older. You are ${r.age}.` : `• ${name} is for people aged 24 or younger. You are ${r.age}.`,
      );
  }
  if (!r.rtw) failed.push(`${name} is for people who are allowed to work in the UK. You told us you are not.`);
  return status(failed, missing);
}

const HEADLINE: Record<Status, (n: string) => string> = {
  eligible: (n) => `Good news! You can join ${n}.`,
  notEligible: (n) => `You cannot join ${n} right now.`,
  needMoreAnswers: (n) => `We cannot tell yet if you can join ${n}.`,
};

function expectedOutcome(h2h: Expected, ican: Expected): Outcome {
  if (h2h.askable) return 'ask';
  if (h2h.status === 'eligible' || ican.status === 'eligible') return 'eligible';
  if (h2h.status === 'needMoreAnswers' || ican.status === 'needMoreAnswers') return 'postcodeDown';
  return 'nothingFits';
}

describe('the deciding reason, for every combination of the shipped rules', () => {
  let programmes: Programme[];
  let translate: Translate;
  beforeAll(async () => {
    programmes = await loadProgrammes(path.resolve('flows/programmes.yaml'));
    const res = (lng: string) => JSON.parse(readFileSync(`locales/${lng}/eligibility.json`, 'utf8')) as object;
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { en: { translation: res('en') }, ur: { translation: res('ur') } }, interpolation: { escapeValue: false } });
    translate = (k, p, lng) => i18n.t(k, { ...p, lng });
  });

  const table = rows();
  it('covers every combination (and enough of them)', () => {
    expect(table.length).toBe(1296);
  });

  it.each(table.map((r) => [`${r.age} ${r.place} ${r.work} hosp=${r.hosp} atRisk=${r.atRisk} rtw=${r.rtw}`, r] as const))('%s', (_, r) => {
    const all = decideAll(profileOf(r), programmes, NOW);
    const place = PLACES[r.place].check;
    const next = eligibilityOutcome(all.decisions, place);
    const expected = { 'hospitality-to-health': hospitalityToHealth(r), 'i-can': iCan(r) };
    const outcome = expectedOutcome(expected['hospitality-to-health'], expected['i-can']);
    expect(next.outcome).toBe(outcome);
    if (outcome === 'ask') {
      // Asked then and there; nothing is said first, and what was answered is never asked.
      expect(next.askFor).toBe('atRiskOfRedundancy');
      expect(explainDecisions({ decisions: all.decisions, outcome, place }, translate, 'en')).toEqual([]);
      return;
    }
    const lines = explainDecisions({ decisions: all.decisions, outcome, place }, translate, 'en');
    if (place === 'approximate') expect(lines[0]).toBe('We cannot check postcodes just now. So we used the first part of your postcode.');
    if (place === 'unavailable') expect(lines[0]).toBe('We cannot check postcodes just now. Please try again soon, or talk to a person.');
    const headlines = programmes.map((p) => HEADLINE[expected[p.id as keyof typeof expected].status](p.name));
    const said: string[] = [];
    for (const p of programmes) {
      const e = expected[p.id as keyof typeof expected];
      const at = lines.indexOf(HEADLINE[e.status](p.name));
      expect(at, `${p.name} headline in:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
      const end = lines.findIndex((l, i) => i > at && (headlines.includes(l) || l.startsWith('But there is more') || l.startsWith('We will keep')));
      const block = lines.slice(at + 1, end === -1 ? undefined : end);
      if (e.status === 'eligible') {
        if (place === 'approximate') expect(block).toContain(`This answer for ${p.name} may change when we can check your full postcode.`);
      } else {
        // A sentence already said for the other programme is not said twice.
        expect(block).toEqual(e.lines.filter((l) => !said.includes(l) || l.includes(p.name)));
      }
      said.push(...block);
    }
    if (outcome === 'nothingFits') expect(lines.at(-1)).toBe('But there is more you can do. You can look at other jobs, or talk to a person.');
    if (outcome === 'postcodeDown') expect(lines.at(-1)).toBe('We will keep your answers. You can check again later, or talk to a person.');
    // Never the old dead end, never asking again for what was typed.
    expect(lines.join('\n')).not.toMatch(/We need (a few more answers|your postcode|to know)/);
  });

  it('says the same in Urdu, with every placeholder filled and no English wording left', () => {
    for (const r of table) {
      const all = decideAll(profileOf(r), programmes, NOW);
      const place = PLACES[r.place].check;
      const { outcome } = eligibilityOutcome(all.decisions, place);
      const lines = explainDecisions({ decisions: all.decisions, outcome, place }, translate, 'ur');
      for (const line of lines) {
        expect(line).not.toMatch(/\{\{|\$t\(|eligibility\./);
        // Only programme and council names stay in English letters.
        expect(line.replace(/Hospitality to Health|I Can|Birmingham|Solihull|Sandwell|\d+/g, '')).not.toMatch(/[A-Za-z]/);
      }
    }
  });
});

describe('the affluent Birmingham neighbourhood, never in hospitality (issue 11)', () => {
  it('is told both real reasons, and what else there is, with no question left hanging', async () => {
    const programmes = await loadProgrammes(path.resolve('flows/programmes.yaml'));
    const i18n = i18next.createInstance();
    await i18n.init({ resources: { en: { translation: JSON.parse(readFileSync('locales/en/eligibility.json', 'utf8')) as object } }, interpolation: { escapeValue: false } });
    const profile = profileFromParams({ age: 30, employmentStatus: 'unemployed', hospitalityYearsAgo: 'never', rightToWork: 'yes', ...PLACES.brumAffluent.params });
    const all = decideAll(profile, programmes, NOW);
    const next = eligibilityOutcome(all.decisions, 'exact');
    expect(next).toEqual({ outcome: 'nothingFits', askFor: null });
    expect(explainDecisions({ decisions: all.decisions, outcome: next.outcome, place: 'exact' }, (k, p, l) => i18n.t(k, { ...p, lng: l }), 'en')).toEqual([
      'You cannot join Hospitality to Health right now.',
      'Hospitality to Health is for people who work in hotels, pubs, cafes or restaurants, or did in the last 2 years. You told us you never have.',
      'You cannot join I Can right now.',
      'I Can is for people who live in certain neighbourhoods of Birmingham and Solihull. Yours is not one of them.',
      'But there is more you can do. You can look at other jobs, or talk to a person.',
    ]);
  });
});
