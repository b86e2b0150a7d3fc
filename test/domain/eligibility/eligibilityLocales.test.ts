import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/domain/eligibility/decide.ts';
import type { Profile } from '../../../src/domain/eligibility/profile.ts';
import { programmeSchema } from '../../../src/domain/eligibility/programmeSchema.ts';
import { wordParams } from '../../../src/domain/eligibility/explainDecision.ts';
import type { RuleResult } from '../../../src/domain/eligibility/ruleResult.ts';

type Tree = { [k: string]: string | Tree };
const en = JSON.parse(readFileSync('locales/en/eligibility.json', 'utf8')) as Tree;
const ur = JSON.parse(readFileSync('locales/ur/eligibility.json', 'utf8')) as Tree;

function keys(t: Tree, prefix = ''): string[] {
  return Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
}

/** Every rule type, with profiles that drive each rule to each of its variants. */
const programme = programmeSchema.parse({
  id: 'all',
  name: 'All',
  summary: 'every rule',
  cohort: { opens: '2026-01-01', closes: '2026-12-31' },
  rules: [
    { type: 'age', min: 16, max: 24 },
    { type: 'council', councils: [{ code: 'E08000025', name: 'Birmingham' }] },
    { type: 'imdDecile', max: 2 },
    { type: 'ward', wards: [{ code: 'E05011151', name: 'Ladywood' }] },
    { type: 'employmentStatus', allowed: ['unemployed'] },
    { type: 'hospitality', withinYears: 2 },
    { id: 'strictHospitality', type: 'hospitality', withinYears: 2, orAtRiskOfRedundancy: false },
    { type: 'rightToWork' },
    { id: 'group', type: 'anyOf', rules: [{ type: 'rightToWork' }, { type: 'allOf', rules: [{ type: 'age', min: 16 }] }] },
  ],
});
const profiles: Profile[] = [
  {},
  { age: 10, council: 'E08000028', councilName: 'Sandwell', imdDecile: null, imdCovered: false, ward: 'E05011182', employmentStatus: 'employed', hospitalityYearsAgo: null, atRiskOfRedundancy: false, rightToWork: false },
  { age: 30, council: 'E08000025', councilApproximate: true, imdDecile: null, employmentStatus: 'unemployed', hospitalityYearsAgo: 0, rightToWork: true },
  { age: 18, council: 'E08000028', councilApproximate: true, imdDecile: 1, ward: 'E05011151', hospitalityYearsAgo: 1, atRiskOfRedundancy: true },
  { age: 18, imdDecile: 5, hospitalityYearsAgo: 5, atRiskOfRedundancy: true, rightToWork: false },
  { ageBand: { min: 18, max: 24 } },
  { ageBand: { min: 0, max: 15 } },
  { ageBand: { min: 25, max: 130 } },
  { age: 20, council: 'E08000025', councilName: 'Birmingham', imdDecile: 2, ward: 'E05011151', employmentStatus: 'unemployed' },
  { hospitalityYearsAgo: 5, atRiskOfRedundancy: false },
  // Postcode typed while postcodes.io was down and its district told us nothing.
  { postcodeUnchecked: true, hospitalityYearsAgo: null, employmentStatus: 'unemployed' },
];
const dates = ['2025-06-01T12:00:00Z', '2026-06-01T12:00:00Z', '2027-06-01T12:00:00Z'].map((d) => new Date(d));

function flatten(rs: RuleResult[]): RuleResult[] {
  return rs.flatMap((r) => [r, ...flatten(r.parts ?? [])]);
}

describe('eligibility wording', () => {
  it('English and Urdu have the same keys', () => {
    expect(keys(ur).sort()).toEqual(keys(en).sort());
  });

  it('every key a decision can produce has wording, and every placeholder is filled', async () => {
    const produced = new Map<string, RuleResult>();
    for (const p of profiles) {
      for (const now of dates) {
        const d = decide(p, programme, now);
        for (const r of flatten([...d.passed, ...d.failed, ...d.missing])) produced.set(r.key, r);
      }
    }
    // The profiles must reach every rule wording, or this test proves little (and no wording is dead).
    expect([...produced.keys()].sort()).toEqual(keys(en).filter((k) => k.startsWith('eligibility.rule.')).sort());
    const t = i18next.createInstance();
    await t.init({ lng: 'en', resources: { en: { translation: en }, ur: { translation: ur } } });
    const translate = (k: string, p: RuleResult['params'], lng: string) => t.t(k, { ...p, lng });
    for (const [key, result] of produced) {
      for (const lng of ['en', 'ur']) {
        expect(t.exists(key, { lng }) ? key : `${lng} has no ${key}`).toBe(key);
        const text = t.t(key, { lng, ...wordParams(result, translate, lng) });
        expect(`${lng} ${key}: ${text}`).not.toMatch(/\{\{|\$t\(|: eligibility\./);
      }
    }
  });

  it('uses short sentences in English', () => {
    const long: string[] = [];
    for (const k of keys(en)) {
      const text = k.split('.').reduce<string | Tree>((t, part) => (t as Tree)[part]!, en) as string;
      for (const sentence of text.split(/[.!?:]\s/)) if (sentence.split(/\s+/).length > 20) long.push(`${k}: ${sentence}`);
    }
    expect(long).toEqual([]);
  });
});
