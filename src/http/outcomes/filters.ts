/**
 * The dashboard's filter form (GET query) read into the report's filters. Every value is checked
 * with zod; a bad one is a sentence for the page ("to: a date such as 2026-10-31"), never a 500.
 * Dates are whole days: `to` is the last day shown, inclusive; the report's `to` is the day after.
 * With no dates the period is the last full calendar month, the question a coordinator asks first.
 */
import { z } from 'zod';
import { outcomeFiltersSchema, type OutcomeFilters } from '../../domain/outcomes/outcomeReport.ts';
import { referralCodeSchema } from '../../store/referralCodes.ts';

const day = z.iso.date('a date such as 2026-10-31');
const blankToUndefined = (v: unknown) => (v === '' || v === undefined ? undefined : v);
const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'an id of lower-case letters, digits and dashes');

/** The query as the form sends it: blank fields mean "all". */
export const filterQuerySchema = z.strictObject({
  from: z.preprocess(blankToUndefined, day.optional()),
  to: z.preprocess(blankToUndefined, day.optional()),
  programme: z.preprocess(blankToUndefined, idSchema.optional()),
  employer: z.preprocess(blankToUndefined, idSchema.optional()),
  route: z.preprocess(blankToUndefined, referralCodeSchema.optional()),
  decile: z.preprocess(blankToUndefined, z.coerce.number({ error: 'a decile from 1 to 10' }).int('a decile from 1 to 10').min(1, 'a decile from 1 to 10').max(10, 'a decile from 1 to 10').optional()),
});
export type FilterQuery = z.output<typeof filterQuerySchema>;

/** The longest period one request may ask for: two years, as the report allows (loadOutcomes). */
const MAX_DAYS = 731;

const DAY_MS = 86_400_000;
const toDate = (d: string) => new Date(`${d}T00:00:00Z`);
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** The last full calendar month before `now` (UTC days), as [from, to) dates. */
export function lastFullMonth(now: Date): { from: Date; to: Date } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return { from, to };
}

/** One calendar month "2026-10" as [from, to). */
export function monthPeriod(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
}

export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2026-10')
  .refine((m) => Number(m.slice(0, 4)) >= 2000 && Number(m.slice(0, 4)) <= 2100, 'a month between 2000 and 2100');

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
  const month = lastFullMonth(now);
  const from = q.data.from ? toDate(q.data.from) : q.data.to ? new Date(toDate(q.data.to).getTime() - 30 * DAY_MS) : month.from;
  const to = q.data.to ? new Date(toDate(q.data.to).getTime() + DAY_MS) : q.data.from ? new Date(Math.max(from.getTime() + DAY_MS, Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))) : month.to;
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
  return { ok: true, filters, query: q.data, formValues: { ...formValues, from: dayOf(from), to: dayOf(new Date(to.getTime() - DAY_MS)) } };
}

/** The query string that asks for the same filters (links to exports and the report keep them). */
export function queryOfFilters(f: OutcomeFilters): string {
  const p = new URLSearchParams({ from: dayOf(f.from), to: dayOf(new Date(f.to.getTime() - DAY_MS)) });
  if (f.programmeId) p.set('programme', f.programmeId);
  if (f.partnerId) p.set('employer', f.partnerId);
  if (f.referralCode) p.set('route', f.referralCode);
  if (f.imdDecile) p.set('decile', String(f.imdDecile));
  return p.toString();
}
