/**
 * The outcomes report's shape (issue 15): what `loadOutcomes` (loadOutcomes.ts) returns and
 * the dashboard, the CSV exports and the monthly report render. Every count in it has already
 * been through small-number suppression (suppression.ts): a renderer never sees a raw 1–4.
 */
import { z } from 'zod';

/** Who is looking: the whole network (operator, coordinators) or one partner's own part. */
export type OutcomeScope = { kind: 'network' } | { kind: 'partner'; partnerId: string };

export const outcomeFiltersSchema = z.object({
  /** Inclusive start and exclusive end of the period (events' `at`). */
  from: z.date(),
  to: z.date(),
  programmeId: z.string().min(1).max(80).optional(),
  /** Employer: applications and what followed for its vacancies. */
  partnerId: z.string().min(1).max(80).optional(),
  referralCode: z.string().min(1).max(20).optional(),
  /** Residents from neighbourhoods of this IMD 2019 decile only ("are we reaching decile 1?"). */
  imdDecile: z.number().int().min(1).max(10).optional(),
});
export type OutcomeFilters = z.infer<typeof outcomeFiltersSchema>;

/**
 * A count as shown: `value` is null when suppressed. `shown` is what every output prints:
 * "1,234", "<5" (1–4), "[c]" for a cell hidden so that a suppressed one cannot be worked out
 * from a total (suppression.ts), or "–" where the count does not apply (the anonymous `started`
 * count has no ward, age band or decile, and cannot be narrowed by programme or decile).
 */
export interface ShownCount {
  value: number | null;
  shown: string;
}

/**
 * The stages the funnel shows, in order. Applied comes before attended: in the shipped flow a
 * resident books a session and applies in the same chat, before the session. (Some apply after
 * it; conversion and median days say how they are counted.)
 */
export const FUNNEL_STEPS = ['started', 'consented', 'eligible', 'booked', 'applied', 'attended', 'shortlisted', 'interviewed', 'offered', 'started_job'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export interface FunnelRow {
  step: FunnelStep;
  residents: ShownCount;
  /**
   * Of the residents at the previous step, the share who also reached this one, "62%" (never over
   * 100%); null when either count is suppressed, the previous is zero, or it would give away a
   * count of 1–4 (suppression.ts `conversion`).
   */
  conversion: string | null;
  /**
   * Median days (Europe/London calendar dates) from the previous step to this one, over residents
   * who reached both and this one not on an earlier day; null under 5 residents.
   */
  medianDays: number | null;
}

/** The steps every breakdown table counts (columns), in the funnel's order. */
export const BREAKDOWN_STEPS = ['started', 'consented', 'eligible', 'booked', 'applied', 'attended', 'offered', 'started_job'] as const;
export type BreakdownStep = (typeof BREAKDOWN_STEPS)[number];

export interface BreakdownRow {
  /** The row's key: a decile "1", a ward code, a referral code ("none" for no route), a language code, an age band, a week "2026-10-05". */
  key: string;
  /** What a reader sees: "Decile 1 (most deprived)", the ward's name, the route's label… */
  label: string;
  counts: Record<BreakdownStep, ShownCount>;
}

export interface DecileReachRow {
  decile: number;
  /** Consented residents whose neighbourhood is in this decile. */
  residents: ShownCount;
  /** Their share of residents with a known decile, "23%", or null when suppressed. */
  share: string | null;
  /** The share of the area's neighbourhoods (2011 LSOAs, ~1,500 people each) in this decile: "21.5%". */
  areaShare: string;
  /** The same as numbers for the chart (share null when suppressed). */
  shareValue: number | null;
  areaShareValue: number;
}

export interface OutcomeReport {
  scope: OutcomeScope;
  filters: OutcomeFilters;
  generatedAt: Date;
  funnel: FunnelRow[];
  /** Residents handed to a person in the period. */
  handedToPerson: ShownCount;
  /**
   * Erasures in the period: a bare count (the erased event has no subject, route, ward or decile),
   * so "–" for a partner and under a programme, referral route or decile filter.
   */
  erased: ShownCount;
  reachByDecile: DecileReachRow[];
  /** Residents whose decile is not known (no postcode, or outside the area). */
  decileUnknown: ShownCount;
  byWard: BreakdownRow[];
  byReferral: BreakdownRow[];
  /** The headline question: residents from decile-1 neighbourhoods, by referral route (ignores the decile filter). */
  byReferralDecile1: BreakdownRow[];
  byLanguage: BreakdownRow[];
  byAgeBand: BreakdownRow[];
  /** One row per week (Monday) of the period. */
  weekly: BreakdownRow[];
  /** What the viewer may filter by: programmes, employers and referral routes in its scope. */
  choices: {
    programmes: Array<{ id: string; name: string }>;
    partners: Array<{ id: string; name: string }>;
    referralCodes: Array<{ code: string; label: string; partnerId: string }>;
  };
}
