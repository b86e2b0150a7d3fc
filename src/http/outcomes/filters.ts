/**
 * The dashboard's filter form (GET query) read into the report's filters. Every value is checked
 * with zod; a bad one is a sentence for the page ("to: a date such as 2026-10-31"), never a 500.
 * Dates are whole days in Europe/London (the network's days, as the report's weeks are): `to` is
 * the last day shown, inclusive; the report's `to` is the London midnight that ends it.
 * With no dates the period is the last full calendar month, the question a coordinator asks first.
 */
import { z } from 'zod';
import { outcomeFiltersSchema, type OutcomeFilters } from '../../domain/outcomes/outcomeReport.ts';
import { referralCodeSchema } from '../../store/referralCodes.ts';

/** Years the figures can be about: a typed two-digit year ("0026-10-01") or year 1 is a slip, said as such (not as "at most 731 days"). */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;
const daySchema = z.iso
  .date('a date such as 2026-10-31')
  .refine((d) => Number(d.slice(0, 4)) >= FIRST_YEAR && Number(d.slice(0, 4)) <= LAST_YEAR, `a date between ${FIRST_YEAR} and ${LAST_YEAR}, such as 2026-10-31`);
const blankToUndefined = (v: unknown) => (v === '' || v === undefined ? undefined : v);
const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'an id of lower-case letters, digits and dashes');

/** The query as the form sends it: blank fields mean "all". */
export const filterQuerySchema = z.strictObject({
  from: z.preprocess(blankToUndefined, daySchema.optional()),
  to: z.preprocess(blankToUndefined, daySchema.optional()),
  programme: z.preprocess(blankToUndefined, idSchema.optional()),
  employer: z.preprocess(blankToUndefined, idSchema.optional()),
  route: z.preprocess(blankToUndefined, referralCodeSchema.optional()),
  decile: z.preprocess(blankToUndefined, z.coerce.number({ error: 'a decile from 1 to 10' }).int('a decile from 1 to 10').min(1, 'a decile from 1 to 10').max(10, 'a decile from 1 to 10').optional()),
});
export type FilterQuery = z.output<typeof filterQuerySchema>;

/** The longest period one request may ask for: two years, as the report allows (loadOutcomes). */
const MAX_DAYS = 731;

const DAY_MS = 86_400_000;
const LONDON = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
const LONDON_CLOCK = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });

/** The London day an instant falls on, "2026-10-01". */
export const dayOf = (d: Date): string => LONDON.format(d);

/** Minutes London is ahead of UTC at an instant (0 or 60). */
function londonOffset(at: Date): number {
  const p = Object.fromEntries(LONDON_CLOCK.formatToParts(at).map((x) => [x.type, Number(x.value)]));
  return (Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!) - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000;
}

/** The instant a London day begins (midnight is never skipped or repeated by UK clock changes, which happen at 01:00 and 02:00). */
export function londonMidnight(day: string): Date {
  const utc = Date.parse(`${day}T00:00:00Z`);
  return new Date(utc - londonOffset(new Date(utc - londonOffset(new Date(utc)) * 60_000)) * 60_000);
}

/** The day after, as a date string (calendar arithmetic, no time zone). */
const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** The last day of a period that ends (exclusive) at `to`. */
export const lastDayOf = (to: Date): string => dayOf(new Date(to.getTime() - 1));

/** One calendar month "2026-10" as [from, to), London midnights. */
export function monthPeriod(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: londonMidnight(`${month}-01`), to: londonMidnight(`${next}-01`) };
}

/** The last full calendar month (London) before `now`. */
export function lastFullMonth(now: Date): { from: Date; to: Date } {
  const [y, m] = dayOf(now).split('-').map(Number) as [number, number];
  const prev = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  return monthPeriod(prev);
}

export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2026-10')
  .refine((m) => Number(m.slice(0, 4)) >= FIRST_YEAR && Number(m.slice(0, 4)) <= LAST_YEAR, `a month between ${FIRST_YEAR} and ${LAST_YEAR}, such as 2026-10`);

export type FiltersRead =
  | { ok: true; filters: OutcomeFilters; query: FilterQuery; formValues: Record<string, string> }
  | { ok: false; problems: string[]; formValues: Record<string, string> };

const FIELD_NAMES: Record<string, string> = { from: 'From', to: 'To', programme: 'Programme', employer: 'Employer', route: 'Referral route', decile: 'IMD decile' };

/** The form's values as typed back into it (only strings of a sane length: never a crafted array). */
function formValuesOf(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (query && typeof query === 'object') {
    for (const [k, v] of Object.entries(query)) if (k in FIELD_NAMES && typeof v === 'string') out[k] = v.slice(0, 100);
  }
  return out;
}

/** Reads the query string into filters, or the problems in words a coordinator understands. */
export function readFilters(query: unknown, now: Date): FiltersRead {
  const formValues = formValuesOf(query);
  const q = filterQuerySchema.safeParse(query ?? {});
  if (!q.success) {
    const problems = q.error.issues.map((i) => {
      const field = String(i.path[0] ?? '');
      if (i.code === 'unrecognized_keys') return `unknown filter ${i.keys.map((k) => `"${k.slice(0, 40)}"`).join(', ')}: use the form's fields`;
      // ?to=a&to=b arrives as an array: say so rather than zod's "expected string".
      const given = query && typeof query === 'object' ? (query as Record<string, unknown>)[field] : undefined;
      const message = Array.isArray(given) || (given !== null && typeof given === 'object') ? 'one value only' : i.message;
      return `${FIELD_NAMES[field] ?? field}: ${message}`;
    });
    return { ok: false, problems, formValues };
  }
  // Only one date given: from it to today, or the 30 days up to it.
  const month = lastFullMonth(now);
  const today = dayOf(now);
  const from = q.data.from ? londonMidnight(q.data.from) : q.data.to ? londonMidnight(dayOf(new Date(Date.parse(`${q.data.to}T12:00:00Z`) - 30 * DAY_MS))) : month.from;
  const to = q.data.to ? londonMidnight(nextDay(q.data.to)) : q.data.from ? londonMidnight(nextDay(q.data.from > today ? q.data.from : today)) : month.to;
  if (to <= from) return { ok: false, problems: ['To: the last day must be on or after the first day (From)'], formValues };
  if ((to.getTime() - from.getTime()) / DAY_MS > MAX_DAYS) return { ok: false, problems: [`From and To: at most ${MAX_DAYS} days at a time`], formValues };
  const filters = outcomeFiltersSchema.parse({
    from,
    to,
    ...(q.data.programme ? { programmeId: q.data.programme } : {}),
    ...(q.data.employer ? { partnerId: q.data.employer } : {}),
    ...(q.data.route ? { referralCode: q.data.route } : {}),
    ...(q.data.decile ? { imdDecile: q.data.decile } : {}),
  });
  return { ok: true, filters, query: q.data, formValues: { ...formValues, from: dayOf(from), to: lastDayOf(to) } };
}

/** The query string that asks for the same filters (links to exports and the report keep them). */
export function queryOfFilters(f: OutcomeFilters): string {
  const p = new URLSearchParams({ from: dayOf(f.from), to: lastDayOf(f.to) });
  if (f.programmeId) p.set('programme', f.programmeId);
  if (f.partnerId) p.set('employer', f.partnerId);
  if (f.referralCode) p.set('route', f.referralCode);
  if (f.imdDecile) p.set('decile', String(f.imdDecile));
  return p.toString();
}
