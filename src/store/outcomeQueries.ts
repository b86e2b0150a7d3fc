/**
 * The SQL behind the outcomes report (issue 15; semantics in docs/outcomes.md and
 * src/domain/outcomes/loadOutcomes.ts). Every figure is aggregated in the database: a few
 * queries return counts and medians, never the events themselves.
 *
 * Shared shape of the queries:
 * - `v`, the **visible events**: events with a subject (not the anonymous `started`), up to now;
 *   in a partner's scope only those carrying one of its referral codes or naming it as the
 *   employer. Everything else is computed from `v` alone, so a partner's figures cannot count
 *   another partner's referral or vacancy events.
 * - `r`, one row per **resident** (subject): the first visible event, the latest non-null value
 *   of each dimension, and the first time at each step.
 * - `attendance_rank` 1 marks the latest attendance event per resident and session (a later
 *   "did not attend" undoes an earlier "attended", and the other way round).
 *
 * Parameters, the same in every query: $1 partner id of the scope (NULL: network), $2 from,
 * $3 to (exclusive), $4 now, $5 programme, $6 employer, $7 referral code, $8 IMD decile.
 */
import type { Queryable } from './db.ts';

export interface OutcomeQueryParams {
  /** The partner whose part is shown; undefined for the whole network. */
  scopePartnerId?: string;
  from: Date;
  to: Date;
  now: Date;
  programmeId?: string;
  /** Employer filter: narrows applied … started_job to its vacancies. */
  employerId?: string;
  referralCode?: string;
  imdDecile?: number;
}

function params(p: OutcomeQueryParams): unknown[] {
  return [p.scopePartnerId ?? null, p.from, p.to, p.now, p.programmeId ?? null, p.employerId ?? null, p.referralCode ?? null, p.imdDecile ?? null];
}

/** Steps counted per resident, each the first time the resident reached it, in the funnel's order (applied before attended). */
export const RESIDENT_STEPS = ['consented', 'eligible', 'booked', 'applied', 'attended', 'shortlisted', 'interviewed', 'offered', 'started_job'] as const;
export type ResidentStep = (typeof RESIDENT_STEPS)[number];

const EMPLOYER_STEPS = new Set(['applied', 'shortlisted', 'interviewed', 'offered', 'started_job']);

const latest = (col: string, as: string) => `(array_agg(${col} ORDER BY at DESC, id DESC) FILTER (WHERE ${col} IS NOT NULL))[1] AS ${as}`;

function firstAt(step: ResidentStep): string {
  if (step === 'attended') return "min(at) FILTER (WHERE stage = 'attended' AND attendance_rank = 1) AS t_attended";
  const stage = step === 'eligible' ? 'eligibility' : step;
  const cond = [`stage = '${stage}'`];
  if (step === 'eligible') cond.push('eligible');
  if (EMPLOYER_STEPS.has(step)) cond.push('($6::text IS NULL OR partner_id = $6::text)');
  return `min(at) FILTER (WHERE ${cond.join(' AND ')}) AS t_${step}`;
}

const WEEK = (col: string) => `to_char(date_trunc('week', ${col} AT TIME ZONE 'Europe/London'), 'YYYY-MM-DD')`;

/**
 * What a resident did in the period, as 'week|step' (Monday week) and 'period|handed_off'
 * strings, each once: the weekly activity rows without a join back to the events. (Erasures are
 * anonymous events, counted by queryErased.)
 */
const ACTIVITY_AGG = `array_agg(DISTINCT CASE WHEN stage = 'handed_off' THEN 'period|' || stage
         ELSE ${WEEK('at')} || '|' || CASE WHEN stage = 'eligibility' THEN 'eligible' ELSE stage END END)
       FILTER (WHERE at >= $2::timestamptz AND at < $3::timestamptz
         AND (stage IN ('consented', 'booked', 'handed_off') OR (stage = 'eligibility' AND eligible)
              OR (stage = 'attended' AND attendance_rank = 1)
              OR (stage IN ('applied', 'offered', 'started_job') AND ($6::text IS NULL OR partner_id = $6::text)))) AS acts`;

/** The CTEs every resident query starts from (see the module comment); `activity` adds `acts`. */
const residents = (activity: boolean) => `
codes AS (SELECT code FROM referral_codes WHERE partner_id = $1::text),
v AS NOT MATERIALIZED (
  SELECT e.id, e.subject, e.stage, e.at, e.partner_id, e.session_id, e.eligible, e.referral_code,
         e.ward_code, e.imd_decile, e.age_band, e.language, e.programme_id,
         CASE WHEN e.stage IN ('attended', 'did_not_attend') THEN
           row_number() OVER (PARTITION BY e.subject, e.session_id, e.stage IN ('attended', 'did_not_attend') ORDER BY e.at DESC, e.id DESC)
         END AS attendance_rank
    FROM funnel_events e
   WHERE e.subject IS NOT NULL AND e.stage <> 'started' AND e.at <= $4::timestamptz
     AND ($1::text IS NULL OR e.partner_id = $1::text OR e.referral_code IN (SELECT code FROM codes))
),
r AS (
  SELECT v.subject, min(v.at) AS first_at,
         ${latest('ward_code', 'ward')}, ${latest('imd_decile', 'decile')}, ${latest('age_band', 'age_band')},
         ${latest('language', 'language')}, ${latest('referral_code', 'referral')}, ${latest('programme_id', 'programme')},
         ${[...RESIDENT_STEPS.map(firstAt), ...(activity ? [ACTIVITY_AGG] : [])].join(',\n         ')}
    FROM v GROUP BY v.subject
),
rf AS (
  SELECT r.*,
         CASE WHEN r.referral IS NULL THEN 'none'
              WHEN $1::text IS NULL OR r.referral IN (SELECT code FROM codes) THEN r.referral
              ELSE 'other' END AS route,
         ($8::int IS NULL OR r.decile = $8::int) AS in_decile
    FROM r
   WHERE ($5::text IS NULL OR r.programme = $5::text) AND ($7::text IS NULL OR r.referral = $7::text)
)`;

const STEP_PAIRS: Array<[ResidentStep, ResidentStep]> = RESIDENT_STEPS.slice(1).map((s, i) => [RESIDENT_STEPS[i]!, s]);

/** The Europe/London calendar date of an instant: erasure keeps an erased resident's events to the start of their London day, so days between dates do not move. */
const LONDON_DATE = (col: string) => `(${col} AT TIME ZONE 'Europe/London')::date`;

/**
 * Per step, on the `all` row: the residents who reached it and the previous step (in any order:
 * the conversion), and over those who reached this one on the same London day or later, the lower
 * median of the days between (London dates) and how many they are.
 */
const median = ([a, b]: [ResidentStep, ResidentStep]) => {
  const both = `d.dim = 'all' AND t_${a} IS NOT NULL AND t_${b} IS NOT NULL`;
  const gap = `${LONDON_DATE(`t_${b}`)} - ${LONDON_DATE(`t_${a}`)}`;
  return `count(*) FILTER (WHERE ${both}) AS both_${b},
   percentile_disc(0.5) WITHIN GROUP (ORDER BY ${gap}) FILTER (WHERE ${both} AND ${gap} >= 0) AS m_${b},
   count(*) FILTER (WHERE ${both} AND ${gap} >= 0) AS n_${b}`;
};

/**
 * The cohort (residents whose first visible event falls in the period) by dimension: `all` (the
 * funnel, with medians; other rows' medians are not computed), `ward`, `route`, `language`, `age_band`, `decile`, and `route_d1`
 * (decile-1 residents by route, whatever the decile filter). A NULL dimension is the key ''.
 */
const COHORT_SQL = `WITH ${residents(false)},
p AS (SELECT * FROM rf WHERE first_at >= $2::timestamptz AND first_at < $3::timestamptz)
SELECT d.dim, d.key, count(*)::int AS residents,
       ${RESIDENT_STEPS.map((s) => `count(t_${s})::int AS ${s}`).join(', ')},
       ${STEP_PAIRS.map(median).join(',\n       ')}
  FROM p
 CROSS JOIN LATERAL (VALUES
   (CASE WHEN p.in_decile THEN 'all' END, ''),
   (CASE WHEN p.in_decile THEN 'ward' END, coalesce(p.ward, '')),
   (CASE WHEN p.in_decile THEN 'route' END, p.route),
   (CASE WHEN p.in_decile THEN 'language' END, coalesce(p.language, '')),
   (CASE WHEN p.in_decile THEN 'age_band' END, coalesce(p.age_band, '')),
   (CASE WHEN p.in_decile THEN 'decile' END, coalesce(p.decile::text, '')),
   (CASE WHEN p.decile = 1 THEN 'route_d1' END, p.route)
 ) AS d(dim, key)
 WHERE d.dim IS NOT NULL
 GROUP BY d.dim, d.key`;

export interface CohortRow {
  dim: 'all' | 'ward' | 'route' | 'language' | 'age_band' | 'decile' | 'route_d1';
  key: string;
  residents: number;
  counts: Record<ResidentStep, number>;
  /**
   * On the `all` row only, from the previous resident step: `both`, the residents who reached both
   * steps; `days`, the lower median of London days between them over the `n` of those who reached
   * this step on the same day or later.
   */
  medians: Partial<Record<ResidentStep, { both: number; days: number | null; n: number }>>;
}

export async function queryCohort(db: Queryable, p: OutcomeQueryParams): Promise<CohortRow[]> {
  const { rows } = await db.query(COHORT_SQL, params(p));
  return rows.map((row) => ({
    dim: row.dim as CohortRow['dim'],
    key: String(row.key),
    residents: Number(row.residents),
    counts: Object.fromEntries(RESIDENT_STEPS.map((s) => [s, Number(row[s])])) as Record<ResidentStep, number>,
    medians: Object.fromEntries(
      STEP_PAIRS.map(([, b]) => [
        b,
        { both: Number(row[`both_${b}`]), days: row[`m_${b}`] === null || row[`m_${b}`] === undefined ? null : Number(row[`m_${b}`]), n: Number(row[`n_${b}`]) },
      ]),
    ),
  }));
}


/**
 * The anonymous `started` count in the period: in total (`all`), by route, by language and by
 * Monday week. It can be narrowed by referral code only (nothing else is known before consent).
 * Parameters: $1 scope partner, $2 from, $3 to, $4 now, $5 referral code.
 */
const STARTED_SQL = `WITH codes AS (SELECT code FROM referral_codes WHERE partner_id = $1::text)
SELECT d.dim, d.key, count(*)::int AS n
  FROM funnel_events e
 CROSS JOIN LATERAL (VALUES
   ('all', ''),
   ('route', CASE WHEN e.referral_code IS NULL THEN 'none'
                  WHEN $1::text IS NULL OR e.referral_code IN (SELECT code FROM codes) THEN e.referral_code
                  ELSE 'other' END),
   ('language', coalesce(e.language, '')),
   ('week', ${WEEK('e.at')})
 ) AS d(dim, key)
 WHERE e.stage = 'started' AND e.at >= $2::timestamptz AND e.at < $3::timestamptz AND e.at <= $4::timestamptz
   AND ($1::text IS NULL OR e.partner_id = $1::text OR e.referral_code IN (SELECT code FROM codes))
   AND ($5::text IS NULL OR e.referral_code = $5::text)
 GROUP BY d.dim, d.key`;

export interface KeyedCount {
  dim: string;
  key: string;
  n: number;
}

export async function queryStarted(db: Queryable, p: OutcomeQueryParams): Promise<KeyedCount[]> {
  const { rows } = await db.query(STARTED_SQL, [p.scopePartnerId ?? null, p.from, p.to, p.now, p.referralCode ?? null]);
  return rows.map((r) => ({ dim: String(r.dim), key: String(r.key), n: Number(r.n) }));
}

/**
 * Erasures in the period, for the whole network: the `erased` event is a bare count (no subject,
 * route, ward or decile; the start of the London day), so it cannot be cut or scoped to a partner.
 * Parameters: $1 from, $2 to, $3 now.
 */
const ERASED_SQL = `SELECT count(*)::int AS n FROM funnel_events
 WHERE stage = 'erased' AND at >= $1::timestamptz AND at < $2::timestamptz AND at <= $3::timestamptz`;

export async function queryErased(db: Queryable, p: Pick<OutcomeQueryParams, 'from' | 'to' | 'now'>): Promise<number> {
  const { rows } = await db.query(ERASED_SQL, [p.from, p.to, p.now]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Activity in the period: distinct residents (passing the filters) with an event of each step in
 * each Monday week, and in the whole period for handing to a person.
 * Not the cohort: a resident who consented in September and was offered a job in October counts
 * in a September week and in an October week.
 */
const ACTIVITY_SQL = `WITH ${residents(true)}
SELECT split_part(a, '|', 1) AS key, split_part(a, '|', 2) AS step, count(*)::int AS n
  FROM rf CROSS JOIN LATERAL unnest(rf.acts) AS a
 WHERE rf.in_decile
 GROUP BY 1, 2`;

export interface ActivityRow {
  dim: 'week' | 'period';
  key: string;
  step: string;
  n: number;
}

export async function queryActivity(db: Queryable, p: OutcomeQueryParams): Promise<ActivityRow[]> {
  const { rows } = await db.query(ACTIVITY_SQL, params(p));
  return rows.map((r) => (r.key === 'period' ? { dim: 'period', key: '', step: String(r.step), n: Number(r.n) } : { dim: 'week', key: String(r.key), step: String(r.step), n: Number(r.n) }));
}

export interface OutcomeChoiceRows {
  programmeIds: string[];
  partners: Array<{ id: string; name: string }>;
  referralCodes: Array<{ code: string; label: string; partnerId: string }>;
}

/**
 * What a viewer may filter by: programmes and employers seen in its visible events (a partner:
 * only itself as employer), and referral codes (a partner: its own).
 */
export async function queryChoices(db: Queryable, scopePartnerId: string | undefined): Promise<OutcomeChoiceRows> {
  const p = scopePartnerId ?? null;
  const [programmes, partners, codes] = await Promise.all([
    db.query(
      `SELECT DISTINCT programme_id FROM funnel_events e
        WHERE e.programme_id IS NOT NULL
          AND ($1::text IS NULL OR e.partner_id = $1::text OR e.referral_code IN (SELECT code FROM referral_codes WHERE partner_id = $1::text))
        ORDER BY 1`,
      [p],
    ),
    db.query(
      `SELECT id, name FROM partners
        WHERE CASE WHEN $1::text IS NULL THEN id IN (SELECT partner_id FROM funnel_events WHERE partner_id IS NOT NULL) OR id IN (SELECT partner_id FROM vacancies)
                   ELSE id = $1::text END
        ORDER BY name, id`,
      [p],
    ),
    db.query('SELECT code, label, partner_id FROM referral_codes WHERE $1::text IS NULL OR partner_id = $1::text ORDER BY label, code', [p]),
  ]);
  return {
    programmeIds: programmes.rows.map((r) => String(r.programme_id)),
    partners: partners.rows.map((r) => ({ id: String(r.id), name: String(r.name) })),
    referralCodes: codes.rows.map((r) => ({ code: String(r.code), label: String(r.label), partnerId: String(r.partner_id) })),
  };
}
