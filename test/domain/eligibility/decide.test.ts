import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/domain/eligibility/decide.ts';
import type { Profile } from '../../../src/domain/eligibility/profile.ts';
import { programmeSchema, type Programme } from '../../../src/domain/eligibility/programmeSchema.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const BHAM = { code: 'E08000025', name: 'Birmingham' };
const SOLIHULL = { code: 'E08000029', name: 'Solihull' };

function programme(rules: unknown[], extra: Record<string, unknown> = {}): Programme {
  return programmeSchema.parse({ id: 'p', name: 'P', summary: 'test', rules, ...extra });
}

/** The one result for rule `id`, whatever its outcome. */
function only(p: Programme, profile: Profile, now = NOW) {
  const d = decide(profile, p, now);
  const all = [...d.passed, ...d.failed, ...d.missing];
  expect(all).toHaveLength(1);
  return { d, r: all[0]! };
}

describe('age band 16-24', () => {
  const p = programme([{ type: 'age', min: 16, max: 24 }]);
  it.each([
    [15, 'failed', 'eligibility.rule.age.tooYoung'],
    [16, 'passed', 'eligibility.rule.age.passed'],
    [17, 'passed', 'eligibility.rule.age.passed'],
    [18, 'passed', 'eligibility.rule.age.passed'],
    [24, 'passed', 'eligibility.rule.age.passed'],
    [25, 'failed', 'eligibility.rule.age.tooOld'],
  ] as const)('age %i → %s', (age, outcome, key) => {
    const { d, r } = only(p, { age });
    expect(r).toMatchObject({ rule: 'age', outcome, key, params: { age, min: 16, max: 24 } });
    expect(d.eligible).toBe(outcome === 'passed');
  });
  it('missing age asks for it', () => {
    const { d, r } = only(p, {});
    expect(r).toMatchObject({ outcome: 'missing', key: 'eligibility.rule.age.missing', needs: ['age'] });
    expect(d).toMatchObject({ eligible: false, status: 'needMoreAnswers', needs: ['age'] });
  });
});

describe('age asked as a band', () => {
  const youth = programme([{ type: 'age', min: 16, max: 24 }]);
  const adult = programme([{ type: 'age', min: 18 }]);
  it.each([
    [youth, { min: 0, max: 15 }, 'failed', 'bandTooYoung'],
    [youth, { min: 16, max: 17 }, 'passed', 'bandPassed'],
    [youth, { min: 18, max: 24 }, 'passed', 'bandPassed'],
    [youth, { min: 25, max: 130 }, 'failed', 'bandTooOld'],
    [adult, { min: 16, max: 17 }, 'failed', 'bandTooYoung'],
    [adult, { min: 18, max: 24 }, 'passed', 'bandPassed'],
    [adult, { min: 25, max: 130 }, 'passed', 'bandPassed'],
  ] as const)('%#: band %o → %s', (p, ageBand, outcome, variant) => {
    expect(only(p, { ageBand }).r).toMatchObject({ outcome, key: `eligibility.rule.age.${variant}` });
  });
  it('a band that straddles the limit asks for the exact age', () => {
    expect(only(adult, { ageBand: { min: 16, max: 24 } }).r).toMatchObject({ outcome: 'missing', needs: ['age'] });
  });
  it('an exact age wins over the band', () => {
    expect(only(adult, { age: 17, ageBand: { min: 18, max: 24 } }).r).toMatchObject({ outcome: 'failed', key: 'eligibility.rule.age.tooYoung' });
  });
});

describe('age 18 and over (open-ended band)', () => {
  const p = programme([{ type: 'age', min: 18 }]);
  it.each([
    [15, false],
    [16, false],
    [17, false],
    [18, true],
    [24, true],
    [25, true],
  ])('age %i → eligible %s', (age, eligible) => {
    const { d, r } = only(p, { age });
    expect(d.eligible).toBe(eligible);
    expect(r.params).toEqual({ age, min: 18, programme: 'P' });
  });
});

describe('each rule passes, fails and goes missing', () => {
  const cases: { name: string; rule: unknown; pass: Profile; fail: Profile; missingNeeds: string[]; failKey: string }[] = [
    {
      name: 'council',
      rule: { type: 'council', councils: [BHAM, SOLIHULL] },
      pass: { council: 'E08000029', councilName: 'Solihull' },
      fail: { council: 'E08000028', councilName: 'Sandwell' },
      missingNeeds: ['postcode'],
      failKey: 'eligibility.rule.council.failed',
    },
    {
      name: 'imdDecile',
      rule: { type: 'imdDecile', max: 2 },
      pass: { imdDecile: 2 },
      fail: { imdDecile: 3 },
      missingNeeds: ['postcode'],
      failKey: 'eligibility.rule.imdDecile.failed',
    },
    {
      name: 'ward',
      rule: { type: 'ward', wards: [{ code: 'E05011182', name: 'Tyseley & Hay Mills' }] },
      pass: { ward: 'E05011182', wardName: 'Tyseley & Hay Mills' },
      fail: { ward: 'E05011118', wardName: 'Acocks Green' },
      missingNeeds: ['postcode'],
      failKey: 'eligibility.rule.ward.failed',
    },
    {
      name: 'employmentStatus',
      rule: { type: 'employmentStatus', allowed: ['unemployed', 'notWorking'] },
      pass: { employmentStatus: 'notWorking' },
      fail: { employmentStatus: 'inEducation' },
      missingNeeds: ['employmentStatus'],
      failKey: 'eligibility.rule.employmentStatus.failed',
    },
    {
      name: 'hospitality',
      rule: { type: 'hospitality', withinYears: 2 },
      pass: { hospitalityYearsAgo: 2 },
      fail: { hospitalityYearsAgo: 3, atRiskOfRedundancy: false },
      missingNeeds: ['hospitalityYearsAgo', 'atRiskOfRedundancy'],
      failKey: 'eligibility.rule.hospitality.failedLongAgoNotAtRisk',
    },
    {
      name: 'rightToWork',
      rule: { type: 'rightToWork' },
      pass: { rightToWork: true },
      fail: { rightToWork: false },
      missingNeeds: ['rightToWork'],
      failKey: 'eligibility.rule.rightToWork.failed',
    },
  ];
  describe.each(cases)('$name', (c) => {
    const p = programme([c.rule]);
    it('passes', () => {
      const { d, r } = only(p, c.pass);
      expect(r).toMatchObject({ rule: c.name, outcome: 'passed' });
      expect(d.eligible).toBe(true);
    });
    it('fails with a reason', () => {
      const { d, r } = only(p, c.fail);
      expect(r).toMatchObject({ rule: c.name, outcome: 'failed', key: c.failKey });
      expect(d).toMatchObject({ eligible: false, status: 'notEligible' });
    });
    it('is missing when not answered', () => {
      const { d, r } = only(p, {});
      expect(r).toMatchObject({ rule: c.name, outcome: 'missing', needs: c.missingNeeds });
      expect(d.needs).toEqual(c.missingNeeds);
    });
  });

  it('reason params carry the numbers the message needs', () => {
    const { r } = only(programme([{ type: 'imdDecile', max: 2 }]), { imdDecile: 5 });
    expect(r).toEqual({ rule: 'imdDecile', type: 'imdDecile', outcome: 'failed', key: 'eligibility.rule.imdDecile.failed', params: { decile: 5, max: 2, programme: 'P' } });
    const council = only(programme([{ type: 'council', councils: [BHAM, SOLIHULL] }]), { council: 'E08000028', councilName: 'Sandwell' });
    expect(council.r.params).toEqual({ council: 'Sandwell', allowed: 'Birmingham, Solihull', programme: 'P' });
  });
});

describe('hospitality background', () => {
  const p = programme([{ type: 'hospitality', withinYears: 2 }]);
  it.each([
    [{ hospitalityYearsAgo: 0 }, 'passed', 'passedNow'],
    [{ hospitalityYearsAgo: 1.5 }, 'passed', 'passedRecent'],
    [{ hospitalityYearsAgo: null, atRiskOfRedundancy: true }, 'passed', 'passedAtRisk'],
    [{ hospitalityYearsAgo: 5, atRiskOfRedundancy: true }, 'passed', 'passedAtRisk'],
    [{ hospitalityYearsAgo: null, atRiskOfRedundancy: false }, 'failed', 'failedNeverNotAtRisk'],
    [{ hospitalityYearsAgo: 5, atRiskOfRedundancy: false }, 'failed', 'failedLongAgoNotAtRisk'],
    // Out of work: no job to lose, so "is your job at risk?" is not asked.
    [{ hospitalityYearsAgo: null, employmentStatus: 'unemployed' }, 'failed', 'failedNever'],
    [{ hospitalityYearsAgo: 5, employmentStatus: 'notWorking' }, 'failed', 'failedLongAgo'],
    [{ hospitalityYearsAgo: 5 }, 'missing', 'missing'],
    [{ hospitalityYearsAgo: null, employmentStatus: 'employed' }, 'missing', 'missing'],
  ] as const)('%o → %s', (profile, outcome, variant) => {
    const { r } = only(p, profile);
    expect(r).toMatchObject({ outcome, key: `eligibility.rule.hospitality.${variant}` });
  });
  it('without the redundancy route, never asks about redundancy', () => {
    const strict = programme([{ type: 'hospitality', withinYears: 2, orAtRiskOfRedundancy: false }]);
    expect(only(strict, { hospitalityYearsAgo: 5 }).r).toMatchObject({ outcome: 'failed', key: 'eligibility.rule.hospitality.failedLongAgo' });
    expect(only(strict, { hospitalityYearsAgo: null }).r).toMatchObject({ outcome: 'failed', key: 'eligibility.rule.hospitality.failedNever' });
    expect(only(strict, {}).r.needs).toEqual(['hospitalityYearsAgo']);
  });
});

describe('cohort dates', () => {
  const p = programme([{ type: 'rightToWork' }], { cohort: { opens: '2026-12-01', closes: '2027-01-31' } });
  it.each([
    ['2026-11-30T23:59:00Z', 'failed', 'eligibility.rule.cohort.notOpen'],
    // Midnight UK time is what counts; 00:30 GMT on 1 December is the opening day.
    ['2026-12-01T00:30:00Z', 'passed', 'eligibility.rule.cohort.passed'],
    ['2027-01-31T23:30:00Z', 'passed', 'eligibility.rule.cohort.passed'],
    ['2027-02-01T00:00:00Z', 'failed', 'eligibility.rule.cohort.closed'],
  ])('at %s the cohort rule %s', (at, outcome, key) => {
    const d = decide({ rightToWork: true }, p, new Date(at));
    const cohort = [...d.passed, ...d.failed].find((r) => r.rule === 'cohort');
    expect(cohort).toMatchObject({ outcome, key });
    expect(d.eligible).toBe(outcome === 'passed');
  });
  it('uses London summer time', () => {
    const summer = programme([{ type: 'rightToWork' }], { cohort: { opens: '2027-06-01' } });
    // 23:30 UTC on 31 May is 00:30 BST on 1 June.
    expect(decide({ rightToWork: true }, summer, new Date('2027-05-31T23:30:00Z')).eligible).toBe(true);
    expect(decide({ rightToWork: true }, summer, new Date('2027-05-31T22:30:00Z')).eligible).toBe(false);
  });
});

describe('approximate places', () => {
  const councilOnly = programme([{ type: 'council', councils: [BHAM, SOLIHULL] }]);
  const withImd = programme([{ type: 'council', councils: [BHAM, SOLIHULL] }, { type: 'imdDecile', max: 2 }]);
  const approx: Profile = { council: 'E08000025', councilName: 'Birmingham', councilApproximate: true, ward: null, imdDecile: null };

  it('a decision resting on a guessed council says so', () => {
    const d = decide(approx, councilOnly, NOW);
    expect(d).toMatchObject({ eligible: true, approximate: true });
    expect(d.passed[0]).toMatchObject({ key: 'eligibility.rule.council.passedApproximate', approximate: true });
  });
  it('an exact council is not approximate', () => {
    expect(decide({ council: 'E08000025' }, councilOnly, NOW)).toMatchObject({ eligible: true, approximate: false });
  });
  it('the neighbourhood cannot be checked from a district: missing, not failed', () => {
    const d = decide(approx, withImd, NOW);
    expect(d.status).toBe('needMoreAnswers');
    expect(d.missing[0]).toMatchObject({ rule: 'imdDecile', key: 'eligibility.rule.imdDecile.notChecked' });
  });
  it('an exact place outside the shipped IMD table fails the decile rule with its own reason', () => {
    const d = decide({ council: 'E08000028', imdDecile: null, imdCovered: false }, programme([{ type: 'imdDecile', max: 2 }]), NOW);
    expect(d.failed[0]).toMatchObject({ key: 'eligibility.rule.imdDecile.outsideArea', params: { max: 2 } });
  });
  it('a covered council without a decile (no LSOA from postcodes.io) is never a "no"', () => {
    const imd = programme([{ type: 'imdDecile', max: 2 }]);
    for (const p of [{ council: 'E08000025', imdDecile: null, imdCovered: true }, { council: 'E08000025', imdDecile: null }]) {
      const d = decide(p, imd, NOW);
      expect(d.status).toBe('needMoreAnswers');
      expect(d.missing[0]).toMatchObject({ key: 'eligibility.rule.imdDecile.notChecked' });
    }
  });
});

describe('anyOf / allOf groups', () => {
  const p = programme([
    {
      id: 'workSituation',
      type: 'anyOf',
      rules: [
        { id: 'unemployed', type: 'employmentStatus', allowed: ['unemployed'] },
        {
          id: 'youngNeet',
          type: 'allOf',
          rules: [
            { type: 'age', min: 16, max: 24 },
            { type: 'employmentStatus', allowed: ['unemployed', 'notWorking'] },
          ],
        },
      ],
    },
  ]);
  it('passes on the first matching part and explains with that part', () => {
    const { r } = only(p, { employmentStatus: 'unemployed' });
    expect(r).toMatchObject({ rule: 'workSituation', outcome: 'passed', key: 'eligibility.rule.employmentStatus.passed' });
  });
  it('passes on the nested group', () => {
    const { r } = only(p, { employmentStatus: 'notWorking', age: 19 });
    expect(r).toMatchObject({ rule: 'workSituation', outcome: 'passed', key: 'eligibility.rule.allOf.passed' });
  });
  it('fails listing every part, each with its own reason', () => {
    const { r } = only(p, { employmentStatus: 'notWorking', age: 25 });
    expect(r).toMatchObject({ rule: 'workSituation', outcome: 'failed', key: 'eligibility.rule.anyOf.failed' });
    expect(r.parts!.map((x) => [x.rule, x.key])).toEqual([
      ['unemployed', 'eligibility.rule.employmentStatus.failed'],
      ['youngNeet', 'eligibility.rule.age.tooOld'],
    ]);
  });
  it('asks for what it still needs', () => {
    const { r } = only(p, { employmentStatus: 'notWorking' });
    expect(r).toMatchObject({ outcome: 'missing', needs: ['age'] });
  });
});

describe('programme file schema', () => {
  it('rejects duplicate rule ids, empty age bands and reversed cohorts', () => {
    const bad = programmeSchema.safeParse({
      id: 'x',
      name: 'X',
      summary: 's',
      cohort: { opens: '2027-02-01', closes: '2027-01-01' },
      rules: [{ type: 'age' }, { type: 'rightToWork' }, { type: 'rightToWork' }],
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'rules.0: give min, max or both',
        'rules.2.id: two rules have the id rightToWork; give one an id of its own',
        'cohort.closes: cohort.opens must not be after cohort.closes',
      ]),
    );
  });
});
