/**
 * The outcomes report over a generated population of more than 5,000 residents (population.ts),
 * on real PostgreSQL: every figure — funnel, medians, decile reach, each breakdown, the weekly
 * rows — matches the generator's own hand count, after suppression, for the network and for
 * partners, with each filter.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadOutcomes } from '../../src/domain/outcomes/loadOutcomes.ts';
import { conversion, suppressCount } from '../../src/domain/outcomes/suppression.ts';
import { outcomeTables } from '../../src/http/outcomes/outcomeTables.ts';
import type { BreakdownRow, OutcomeFilters, OutcomeReport, OutcomeScope, ShownCount } from '../../src/domain/outcomes/outcomeReport.ts';
import { BREAKDOWN_STEPS, FUNNEL_STEPS } from '../../src/domain/outcomes/outcomeReport.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { expectedOutcomes, generatePopulation, insertPopulation, PARTNERS, REFERRAL_CODES, type Population, type StepCounts } from './population.ts';

// Each check runs the report's queries over ~26,000 events; on a busy two-core machine that is seconds.
vi.setConfig({ testTimeout: 60_000 });

let t: TestDb;
let pop: Population;

beforeAll(async () => {
  t = await createTestDb();
  pop = generatePopulation({ seed: 15 });
  await insertPopulation(t.db, pop);
}, 60_000);
afterAll(async () => t?.close());

const WHOLE: OutcomeFilters = { from: new Date('2026-07-01T00:00:00Z'), to: new Date('2026-11-10T00:00:00Z') };
const OCTOBER: OutcomeFilters = { from: new Date('2026-09-30T23:00:00Z'), to: new Date('2026-11-01T00:00:00Z') };

/** What a reader sees for a raw count: the count itself, "<5", "[c]" (hidden beside a "<5"), or "–". */
function expectShown(cell: ShownCount, raw: number | null, where: string): void {
  const seen = `${where}: ${cell.shown}`;
  if (raw === null) expect(seen).toBe(`${where}: –`);
  else if (raw >= 1 && raw <= 4) expect(seen).toBe(`${where}: <5`);
  else if (cell.value === null) expect(seen).toBe(`${where}: [c]`);
  else expect(`${where}: ${cell.value}`).toBe(`${where}: ${raw}`);
}

function expectTable(rows: BreakdownRow[], expected: Map<string, StepCounts>, name: string, opts: { allKeys?: string[] } = {}): void {
  const keys = new Set([...rows.map((r) => r.key), ...expected.keys(), ...(opts.allKeys ?? [])]);
  for (const key of keys) {
    const row = rows.find((r) => r.key === key);
    const exp = expected.get(key);
    for (const step of BREAKDOWN_STEPS) {
      const raw = exp ? exp[step] : 0;
      if (!row) {
        // A row left out must have nobody in it.
        expect(`${name} ${key} ${step}: ${raw}`).toBe(`${name} ${key} ${step}: 0`);
        continue;
      }
      expectShown(row.counts[step], row.counts[step].shown === '–' ? null : raw, `${name} ${key} ${step}`);
      if (row.counts[step].shown === '–') expect([null, 0]).toContain(raw);
    }
  }
}

async function check(scope: OutcomeScope, filters: OutcomeFilters): Promise<OutcomeReport> {
  const report = await loadOutcomes(t.db, scope, filters, { now: pop.now });
  const exp = expectedOutcomes(pop, scope, filters);
  report.funnel.forEach((row, i) => {
    expectShown(row.residents, exp.funnel[row.step], `funnel ${row.step}`);
    const m = exp.medians[row.step];
    expect(`median ${row.step}: ${row.medianDays}`).toBe(`median ${row.step}: ${m && m.n >= 5 ? m.days : null}`);
    // Conversion: of the residents at the previous step, the share who also reached this one (hand-counted pairs).
    const previous = exp.funnel[report.funnel[i - 1]?.step ?? 'started'];
    const want = i === 0 || previous === null ? null : conversion(suppressCount(exp.funnel[row.step]), suppressCount(previous), i === 1 ? undefined : (exp.both[row.step] ?? 0));
    expect(`conversion ${row.step}: ${row.conversion}`).toBe(`conversion ${row.step}: ${want}`);
    if (row.conversion !== null) expect(Number.parseInt(row.conversion, 10)).toBeLessThanOrEqual(100);
  });
  report.reachByDecile.forEach((r, i) => expectShown(r.residents, exp.deciles[i]!, `decile ${i + 1}`));
  expectShown(report.decileUnknown, exp.decileUnknown, 'decile unknown');
  expectShown(report.handedToPerson, exp.handedToPerson, 'handed to a person');
  expectShown(report.erased, exp.erased, 'erased');
  expectTable(report.byWard, exp.byWard, 'ward');
  expectTable(report.byReferral, exp.byReferral, 'route');
  expectTable(report.byReferralDecile1, exp.byReferralDecile1, 'decile-1 route');
  expectTable(report.byLanguage, exp.byLanguage, 'language');
  expectTable(report.byAgeBand, exp.byAgeBand, 'age band');
  expectTable(report.weekly, exp.weekly, 'week');
  // Every week with activity has a row, and the rows are the period's Monday weeks in order.
  for (const week of exp.weekly.keys()) expect(report.weekly.map((w) => w.key)).toContain(week);
  expect(report.weekly.map((w) => w.key).sort()).toEqual(report.weekly.map((w) => w.key));
  return report;
}

describe('the generated population', () => {
  it('has more than 5,000 residents across most wards and every decile', () => {
    expect(pop.residents).toBeGreaterThan(5000);
    const deciles = new Set(pop.events.map((e) => e.imdDecile).filter((d) => typeof d === 'number'));
    expect([...deciles].sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(pop.events.map((e) => e.wardCode).filter(Boolean)).size).toBeGreaterThan(60);
  });

  it('has residents who apply before the session (in the chat where they book) and after it, and anonymous erasures', () => {
    const first = new Map<string, { applied?: number; attended?: number }>();
    for (const e of pop.events) {
      if (e.subject === null || (e.stage !== 'applied' && e.stage !== 'attended')) continue;
      const f = first.get(e.subject) ?? {};
      f[e.stage] ??= e.at.getTime();
      first.set(e.subject, f);
    }
    const both = [...first.values()].filter((f) => f.applied !== undefined && f.attended !== undefined);
    expect(both.filter((f) => f.applied! < f.attended!).length).toBeGreaterThan(200);
    expect(both.filter((f) => f.applied! > f.attended!).length).toBeGreaterThan(200);
    expect(pop.events.filter((e) => e.stage === 'erased').every((e) => e.subject === null && e.referralCode === undefined)).toBe(true);
    expect(pop.events.filter((e) => e.stage === 'erased').length).toBeGreaterThan(100);
  });
});

describe('network scope', () => {
  it('the funnel, medians, decile reach, every breakdown and the weekly rows over four months match the hand count', async () => {
    const r = await check({ kind: 'network' }, WHOLE);
    // Sanity of the scale: thousands in, decile 1 the biggest group, as in Birmingham.
    expect(r.funnel[1]!.residents.value).toBeGreaterThan(4000);
    const d1 = r.reachByDecile[0]!;
    expect(d1.shareValue).toBeGreaterThan(d1.areaShareValue);
    expect(r.funnel.find((f) => f.step === 'started_job')!.residents.value).toBeGreaterThan(50);
  });

  it('October: the cohort is who first came in October (a BST→GMT week included); later steps count up to now', async () => {
    const r = await check({ kind: 'network' }, OCTOBER);
    expect(r.weekly[0]!.key).toBe('2026-09-28');
    expect(r.weekly.at(-1)!.key).toBe('2026-10-26');
  });

  it.each<[string, Partial<OutcomeFilters>]>([
    ['programme', { programmeId: 'young-people' }],
    ['employer', { partnerId: 'bcc' }],
    ['referral code', { referralCode: 'BVSCHUB3' }],
    ['IMD decile', { imdDecile: 1 }],
    ['decile and employer together', { imdDecile: 2, partnerId: 'uhb' }],
  ])('filtered by %s', async (_name, extra) => {
    const r = await check({ kind: 'network' }, { ...WHOLE, ...extra });
    if (extra.programmeId || extra.imdDecile) expect(r.funnel[0]!.residents.shown).toBe('–');
  });
});

describe('partner scope', () => {
  it.each(['pioneer', 'bvsc', 'uhb', 'bcc'])('%s sees figures from its own routes and vacancies only', async (partnerId) => {
    const r = await check({ kind: 'partner', partnerId }, WHOLE);
    const own = r.choices.referralCodes.map((c) => c.code);
    for (const row of [...r.byReferral, ...r.byReferralDecile1]) expect(['none', 'other', ...own]).toContain(row.key);
    expect(r.choices.partners.map((p) => p.id)).toEqual([partnerId]);
    const json = JSON.stringify(r);
    for (const other of REFERRAL_CODES.filter((c) => c.partnerId !== partnerId)) {
      expect(json).not.toContain(other.code);
      expect(json).not.toContain(other.label);
    }
    for (const other of PARTNERS.filter((p) => p.id !== partnerId)) expect(json).not.toContain(other.name);
  });

  it('an employer filtered to itself, a partner filtered by its own code, and a date range', async () => {
    await check({ kind: 'partner', partnerId: 'uhb' }, { ...OCTOBER, partnerId: 'uhb' });
    await check({ kind: 'partner', partnerId: 'pioneer' }, { ...WHOLE, referralCode: 'PIONYTH2' });
    await check({ kind: 'partner', partnerId: 'bvsc' }, { ...OCTOBER, imdDecile: 1 });
  });

  it('a partner asking for another partner’s code or vacancies is refused', async () => {
    await expect(loadOutcomes(t.db, { kind: 'partner', partnerId: 'pioneer' }, { ...WHOLE, referralCode: 'BVSCHUB3' }, { now: pop.now })).rejects.toThrow(/its own referral codes/);
    await expect(loadOutcomes(t.db, { kind: 'partner', partnerId: 'pioneer' }, { ...WHOLE, partnerId: 'uhb' }, { now: pop.now })).rejects.toThrow(/its own vacancies/);
  });
});

describe('choices', () => {
  it('the network sees every programme, employer and route; names come from the caller for programmes', async () => {
    const r = await loadOutcomes(t.db, { kind: 'network' }, WHOLE, { now: pop.now, names: { programmes: { 'young-people': 'Young people into work' } } });
    expect(r.choices.programmes).toEqual([
      { id: 'hospitality-to-health', name: 'hospitality-to-health' },
      { id: 'young-people', name: 'Young people into work' },
    ]);
    expect(r.choices.partners.map((p) => p.id).sort()).toEqual(['bcc', 'uhb', 'uob']);
    expect(r.choices.referralCodes).toHaveLength(5);
  });

  it('the funnel lists every step in order', async () => {
    const r = await loadOutcomes(t.db, { kind: 'network' }, OCTOBER, { now: pop.now });
    expect(r.funnel.map((f) => f.step)).toEqual([...FUNNEL_STEPS]);
  });
});

describe('CSV of every table', () => {
  it('carries the shown values of every chart, never a raw count of 1 to 4', async () => {
    const r = await loadOutcomes(t.db, { kind: 'partner', partnerId: 'bvsc' }, { ...OCTOBER, imdDecile: 1 }, { now: pop.now });
    const tables = outcomeTables(r);
    expect(tables.map((x) => x.id)).toEqual(['decile1-by-route', 'funnel', 'reach-by-decile', 'by-ward', 'by-route', 'by-language', 'by-age-band', 'weekly']);
    expect(tables.find((x) => x.id === 'funnel')!.rows.map((row) => row[1])).toEqual(r.funnel.map((f) => f.residents.shown));
    const ward = tables.find((x) => x.id === 'by-ward')!;
    expect(ward.rows).toEqual(r.byWard.map((w) => [w.label, ...BREAKDOWN_STEPS.map((s) => w.counts[s].shown)]));
    // Every cell after the row header of a breakdown table is a count.
    const counts = tables.filter((x) => ['by-ward', 'by-route', 'by-language', 'by-age-band', 'weekly'].includes(x.id)).flatMap((x) => x.rows.flatMap((row) => row.slice(1)));
    // Small numbers exist in this slice, and the export shows them suppressed as the page does.
    expect(counts).toContain('<5');
    expect(counts.length).toBeGreaterThan(100);
    expect(counts.filter((c) => /^[1-4]$/.test(c))).toEqual([]);
  });
});
