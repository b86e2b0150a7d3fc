/**
 * The outcomes report (issue 15): the funnel, reach by deprivation decile and the breakdowns,
 * for the network or one partner, with small numbers suppressed before anything leaves here.
 * Full semantics with examples: docs/outcomes.md. In short:
 *
 * - **Residents are subjects** (the random id given at consent). `started` is the anonymous count
 *   of conversations started in the period (it can be cut by referral route and language only).
 * - The **cohort** is the residents whose first visible event falls in the period. Every other
 *   step counts distinct cohort residents who reached it at any time up to now: "of those who
 *   came in in October, how many have booked, attended…". `eligible` is an eligibility decision
 *   that said yes; `attended` means the latest attendance event of some session says attended.
 * - A resident's ward, decile, age band, language, referral route and programme are the latest
 *   non-null values across their visible events; the filters (programme, referral code, decile)
 *   select residents by them. The employer filter narrows applied … started job to its vacancies.
 * - **Partner scope**: only events carrying one of the partner's referral codes or naming it as
 *   the employer are visible, and every figure is computed from those alone. Other partners'
 *   routes are one row, "Another partner's route"; their names and codes never appear.
 * - Conversion: of the residents at the previous step, the share who also reached this one.
 *   Median days: per resident, the days between the Europe/London dates of the first time at the
 *   previous step and the first time at this one, over residents who reached both with this one
 *   not on an earlier day; the lower median; not shown under 5.
 * - Erasures are a bare count (network only; "–" for a partner or under a programme, route or
 *   decile filter).
 * - Weekly rows count **activity in the week** (residents with an event of that step in that
 *   Monday week), not the cohort.
 */
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { compareLanguages, languageOf } from '../../languages.ts';
import type { Queryable } from '../../store/db.ts';
import {
  queryActivity,
  queryChoices,
  queryCohort,
  queryErased,
  queryStarted,
  type CohortRow,
  type OutcomeQueryParams,
  type ResidentStep,
} from '../../store/outcomeQueries.ts';
import { AGE_BANDS } from '../../store/funnelEvents.ts';
import { placesReference, type PlacesReference } from '../places/placesReference.ts';
import {
  BREAKDOWN_STEPS,
  FUNNEL_STEPS,
  outcomeFiltersSchema,
  type BreakdownRow,
  type BreakdownStep,
  type DecileReachRow,
  type FunnelRow,
  type OutcomeFilters,
  type OutcomeReport,
  type OutcomeScope,
  type ShownCount,
} from './outcomeReport.ts';
import { conversion, notApplicable, percent, suppressCount, suppressReach, suppressTable } from './suppression.ts';

/** Names the database does not hold: programmes live in the flow files (flows/programmes.yaml). */
export interface OutcomeNames {
  programmes?: Readonly<Record<string, string>>;
}

export interface LoadOutcomesOptions {
  now?: Date;
  places?: PlacesReference;
  names?: OutcomeNames;
}

/** Median days are not shown over fewer residents than this (they would describe a few people). */
export const MEDIAN_MIN_RESIDENTS = 5;

/** The longest period one report covers: about two years of Monday weeks. */
const MAX_PERIOD_DAYS = 731;

const scopeSchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('network') }), z.object({ kind: z.literal('partner'), partnerId: z.string().min(1).max(80) })]);

export async function loadOutcomes(db: Queryable, scope: OutcomeScope, filters: OutcomeFilters, opts: LoadOutcomesOptions = {}): Promise<OutcomeReport> {
  const f = parseFilters(filters);
  const s = scopeSchema.safeParse(scope);
  if (!s.success) throw new AppError('bad_request', 'the report is for the network or one partner');
  const now = opts.now ?? new Date();
  const places = opts.places ?? placesReference();
  const partnerId = scope.kind === 'partner' ? scope.partnerId : undefined;

  const choices = await queryChoices(db, partnerId);
  if (partnerId !== undefined) {
    if (f.partnerId !== undefined && f.partnerId !== partnerId) throw new AppError('forbidden', 'a partner sees its own vacancies only');
    if (f.referralCode !== undefined && !choices.referralCodes.some((c) => c.code === f.referralCode)) {
      throw new AppError('forbidden', 'a partner sees its own referral codes only');
    }
  }

  // A decile filter shows that decile's residents as the funnel's figures; where the same figures
  // without it hide that decile's count (a "<5", or a "[c]" that guards one), the filtered report
  // would give the hidden count away, so it is not made.
  if (f.imdDecile !== undefined) {
    const whole = await loadOutcomes(db, scope, { ...filters, imdDecile: undefined }, opts);
    if (whole.reachByDecile[f.imdDecile - 1]?.residents.value === null) {
      throw new AppError(
        'outcomes_too_few',
        `too few residents from decile ${f.imdDecile} neighbourhoods in this selection to show them on their own (their count is hidden in the figures without the decile filter): choose a longer period or fewer filters`,
      );
    }
  }

  const q: OutcomeQueryParams = {
    scopePartnerId: partnerId,
    from: f.from,
    to: f.to,
    now,
    programmeId: f.programmeId,
    employerId: f.partnerId,
    referralCode: f.referralCode,
    imdDecile: f.imdDecile,
  };
  // Erasures carry nothing to scope or cut them by: the network's, unfiltered, only.
  const erasedApplies = partnerId === undefined && f.programmeId === undefined && f.referralCode === undefined && f.imdDecile === undefined;
  const [cohort, started, activity, erased] = await Promise.all([
    queryCohort(db, q),
    queryStarted(db, q),
    queryActivity(db, q),
    erasedApplies ? queryErased(db, q) : Promise.resolve(null),
  ]);

  const routeLabels = new Map(choices.referralCodes.map((c) => [c.code, c.label]));
  const wardNames = new Map(places.areas().map((a) => [a.ward.code, a.ward.name]));
  // Started cannot be narrowed by what is learnt after consent.
  const startedApplies = f.programmeId === undefined && f.imdDecile === undefined;
  const startedBy = (dim: string) => new Map(started.filter((r) => r.dim === dim).map((r) => [r.key, r.n]));

  const total = cohort.find((r) => r.dim === 'all');
  const funnel = funnelRows(total, startedApplies ? (startedBy('all').get('') ?? 0) : null);

  const sideCount = (step: string) => activity.find((a) => a.dim === 'period' && a.step === step)?.n ?? 0;

  const breakdown = (
    dim: CohortRow['dim'],
    startedKeys: Map<string, number> | null,
    label: (key: string) => string,
    order: (a: string, b: string) => number,
    cellRules: CellRules = {},
  ): BreakdownRow[] => {
    const rows = cohort.filter((r) => r.dim === dim);
    const keys = new Set(rows.map((r) => r.key));
    if (startedKeys) for (const k of startedKeys.keys()) keys.add(k);
    const sorted = [...keys].sort(order);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const table = sorted.map((k) =>
      BREAKDOWN_STEPS.map((step) => (step === 'started' ? (startedKeys ? (startedKeys.get(k) ?? 0) : null) : (byKey.get(k)?.counts[step] ?? 0))),
    );
    return toRows(sorted, table, label, cellRules);
  };

  const routeLabel = (key: string) => (key === 'none' ? 'No referral route' : key === 'other' ? "Another partner's route" : (routeLabels.get(key) ?? key));
  const routeOrder = (a: string, b: string) => rankRoute(a) - rankRoute(b) || routeLabel(a).localeCompare(routeLabel(b), 'en-GB') || a.localeCompare(b);
  const startedRoutes = startedApplies ? startedBy('route') : null;

  const ageOrder = (a: string, b: string) => ageRank(a) - ageRank(b);
  const reachFigures = reach(cohort, places);
  // The decile-1 routes' consented column adds up to decile-1 reach (when the decile filter
  // leaves decile 1 in): if that is hidden, the column must not give it away.
  const unknownHidden = reachFigures.decileUnknown.value === null;
  const consentedCol = BREAKDOWN_STEPS.indexOf('consented');
  const decile1Hidden = (f.imdDecile === undefined || f.imdDecile === 1) && reachFigures.reachByDecile[0]!.residents.value === null;
  const report: OutcomeReport = {
    scope,
    filters: f,
    generatedAt: now,
    funnel,
    handedToPerson: suppressCount(sideCount('handed_off')),
    erased: erased === null ? notApplicable() : suppressCount(erased),
    ...reachFigures,
    // Residents without a ward (the "not known" row, key '') are those without a decile: their
    // consented cell is the reach's unknown count, hidden with it and never hidden beside a ward
    // while it is shown there. With that row, every column adds up to the funnel's figure.
    byWard: breakdown(
      'ward',
      null,
      (k) => (k === '' ? 'Ward not known' : (wardNames.get(k) ?? k)),
      (a, b) => unknownLast(a, b) || (wardNames.get(a) ?? a).localeCompare(wardNames.get(b) ?? b, 'en-GB') || a.localeCompare(b),
      { unknownKeyConsented: unknownHidden ? 'hidden' : 'shown' },
    ),
    byReferral: breakdown('route', startedRoutes, routeLabel, routeOrder),
    byReferralDecile1: breakdown('route_d1', null, routeLabel, routeOrder, { mustHideColumns: decile1Hidden ? [consentedCol] : [] }),
    byLanguage: breakdown('language', startedApplies ? startedBy('language') : null, (k) => (k === '' ? 'Language not known' : (languageOf(k)?.english ?? k)), languageOrder),
    byAgeBand: breakdown('age_band', null, (k) => (k === '' ? 'Age band not known' : k === '65+' ? '65 and over' : k === 'under-16' ? 'Under 16' : k), ageOrder),
    weekly: weekly(f.from, f.to, activity, startedApplies ? startedBy('week') : null),
    choices: {
      programmes: choices.programmeIds.map((id) => ({ id, name: opts.names?.programmes?.[id] ?? id })),
      partners: choices.partners,
      referralCodes: choices.referralCodes,
    },
  };
  return report;
}

function parseFilters(filters: OutcomeFilters): OutcomeFilters {
  const r = outcomeFiltersSchema.safeParse(filters);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new AppError('bad_request', `filter ${issue.path.join('.') || 'value'}: ${issue.message}`);
  }
  const f = r.data;
  if (!(f.from.getTime() < f.to.getTime())) throw new AppError('bad_request', 'the period must end after it starts');
  if (f.to.getTime() - f.from.getTime() > MAX_PERIOD_DAYS * 86_400_000) throw new AppError('bad_request', 'the period is at most two years');
  return f;
}

function funnelRows(total: CohortRow | undefined, started: number | null): FunnelRow[] {
  const rows: FunnelRow[] = [];
  let previous: ShownCount | undefined;
  for (const step of FUNNEL_STEPS) {
    const residents = step === 'started' ? (started === null ? notApplicable() : suppressCount(started)) : suppressCount(total?.counts[step] ?? 0);
    // Started → consented has no pairs (starts are anonymous): the share of the two counts.
    const m = step === 'started' || step === 'consented' ? undefined : (total?.medians[step as ResidentStep] ?? { both: 0, days: null, n: 0 });
    rows.push({
      step,
      residents,
      conversion: previous ? conversion(residents, previous, m?.both) : null,
      medianDays: m && m.n >= MEDIAN_MIN_RESIDENTS ? m.days : null,
    });
    previous = residents;
  }
  return rows;
}

/**
 * Cells a breakdown must treat as counts shown or hidden elsewhere: `mustHideColumns`, columns
 * whose total is hidden elsewhere; `unknownKeyConsented`, the consented cell of the row keyed ''
 * (the wards' "not known", the same count as the reach's unknown decile) hidden or shown there.
 */
interface CellRules {
  mustHideColumns?: number[];
  unknownKeyConsented?: 'hidden' | 'shown';
}

function toRows(keys: string[], table: Array<Array<number | null>>, label: (key: string) => string, rules: CellRules = {}): BreakdownRow[] {
  const unknownRow = keys.indexOf('');
  const cell: Array<[number, number]> = unknownRow >= 0 ? [[unknownRow, BREAKDOWN_STEPS.indexOf('consented')]] : [];
  const shownTable = suppressTable(table, {
    mustHideColumns: rules.mustHideColumns ?? [],
    hiddenCells: rules.unknownKeyConsented === 'hidden' ? cell : [],
    neverSecondaryCells: rules.unknownKeyConsented === 'shown' ? cell : [],
  });
  return keys.map((key, i) => ({
    key,
    label: label(key),
    counts: Object.fromEntries(BREAKDOWN_STEPS.map((step, c) => [step, shownTable[i]![c]!])) as Record<BreakdownStep, ShownCount>,
  }));
}

function reach(cohort: CohortRow[], places: PlacesReference): { reachByDecile: DecileReachRow[]; decileUnknown: ShownCount } {
  const byDecile = new Map(cohort.filter((r) => r.dim === 'decile').map((r) => [r.key, r.counts.consented]));
  const counts = Array.from({ length: 10 }, (_, i) => byDecile.get(String(i + 1)) ?? 0);
  const unknown = byDecile.get('') ?? 0;
  const known = counts.reduce((a, b) => a + b, 0);
  const areas = places.areas();
  const s = suppressReach(counts, unknown);
  return {
    reachByDecile: counts.map((n, i) => {
      const areaShareValue = areas.filter((a) => a.decile === i + 1).length / Math.max(1, areas.length);
      const shareValue = s.sharesShown && s.deciles[i]!.value !== null && known > 0 ? n / known : null;
      return {
        decile: i + 1,
        residents: s.deciles[i]!,
        share: shareValue === null ? null : percent(shareValue),
        areaShare: percent(areaShareValue),
        shareValue,
        areaShareValue,
      };
    }),
    decileUnknown: s.unknown,
  };
}

/** Monday weeks (Europe/London) from the one holding `from` to the one holding the period's last instant. */
export function mondayWeeks(from: Date, to: Date): string[] {
  const day = (d: Date) => new Date(`${londonDate(d)}T00:00:00Z`);
  const first = day(from);
  first.setUTCDate(first.getUTCDate() - ((first.getUTCDay() + 6) % 7));
  const last = day(new Date(to.getTime() - 1)).getTime();
  const weeks: string[] = [];
  for (let d = first.getTime(); d <= last; d += 7 * 86_400_000) weeks.push(new Date(d).toISOString().slice(0, 10));
  return weeks;
}

function londonDate(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

function weekly(from: Date, to: Date, activity: Array<{ dim: string; key: string; step: string; n: number }>, started: Map<string, number> | null): BreakdownRow[] {
  const weeks = mondayWeeks(from, to);
  const n = new Map(activity.filter((a) => a.dim === 'week').map((a) => [`${a.key} ${a.step}`, a.n]));
  const table = weeks.map((w) => BREAKDOWN_STEPS.map((step) => (step === 'started' ? (started ? (started.get(w) ?? 0) : null) : (n.get(`${w} ${step}`) ?? 0))));
  const label = (w: string) => `Week of ${new Date(`${w}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })}`;
  return toRows(weeks, table, label);
}

const rankRoute = (k: string) => (k === 'none' ? 2 : k === 'other' ? 1 : 0);
const unknownLast = (a: string, b: string) => (a === '' ? 1 : 0) - (b === '' ? 1 : 0);
const ageRank = (k: string) => (k === '' ? 99 : k === 'under-16' ? -1 : (AGE_BANDS as readonly string[]).indexOf(k));
function languageOrder(a: string, b: string): number {
  return unknownLast(a, b) || compareLanguages(a, b);
}
