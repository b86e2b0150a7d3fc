import { z } from 'zod';

export const OFFICE_TIME_ZONE = 'Europe/London';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
type Day = (typeof DAYS)[number];

const toMin = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

const rangeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'a range such as 09:00-17:00')
  .transform((s, ctx) => {
    const [a, b] = s.split('-') as [string, string];
    const r = { start: toMin(a), end: toMin(b) };
    if (r.end <= r.start) ctx.addIssue({ code: 'custom', message: `${s}: end must be after start` });
    return r;
  });

/** Opening hours of one partner, local (Europe/London) wall-clock time; a missing day is closed. */
export const weekHoursSchema = z.object(Object.fromEntries(DAYS.map((d) => [d, z.array(rangeSchema).default([])])) as Record<Day, z.ZodDefault<z.ZodArray<typeof rangeSchema>>>);
export type WeekHours = z.output<typeof weekHoursSchema>;

/** Per partner; `default` is used for any partner not listed. */
export const officeHoursSchema = z.record(z.string(), weekHoursSchema).refine((o) => 'default' in o, 'needs a "default" entry');
export type OfficeHours = z.output<typeof officeHoursSchema>;

/** The value of the HANDOFF_OFFICE_HOURS setting: JSON text. */
export const officeHoursSettingSchema = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'JSON such as {"default":{"mon":["09:00-17:00"]}}' });
      return z.NEVER;
    }
  })
  .pipe(officeHoursSchema);

export const DEFAULT_OFFICE_HOURS_JSON = JSON.stringify({
  default: { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-17:00'] },
});

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: OFFICE_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  weekday: 'short',
});

interface Local {
  date: string;
  day: Day;
  minutes: number;
  y: number;
  m: number;
  d: number;
}

function local(at: Date): Local {
  const p = Object.fromEntries(partsFormat.formatToParts(at).map((x) => [x.type, x.value]));
  const y = Number(p.year);
  const m = Number(p.month);
  const d = Number(p.day);
  const day = DAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!;
  return { date: `${p.year}-${p.month}-${p.day}`, day, minutes: Number(p.hour) * 60 + Number(p.minute), y, m, d };
}

/** London's offset from UTC at instant `t` (ms; minute precision). */
function offsetAt(t: number): number {
  const l = local(new Date(t));
  return Date.UTC(l.y, l.m - 1, l.d, Math.floor(l.minutes / 60), l.minutes % 60) - Math.floor(t / 60_000) * 60_000;
}

/** London wall-clock (date, minutes) → instant; the offset is read at the guess, so BST and GMT both come out right. */
function londonToInstant(y: number, m: number, d: number, minutes: number): Date {
  const guess = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  const first = guess - offsetAt(guess);
  return new Date(guess - offsetAt(first));
}

export interface Calendar {
  hours: OfficeHours;
  /** Bank holiday dates (YYYY-MM-DD, England and Wales): closed all day. */
  holidays: ReadonlySet<string>;
}

function weekFor(cal: Calendar, partner: string): WeekHours {
  return cal.hours[partner] ?? cal.hours.default!;
}

export function isOpen(cal: Calendar, partner: string, at: Date): boolean {
  const l = local(at);
  if (cal.holidays.has(l.date)) return false;
  return weekFor(cal, partner)[l.day].some((r) => l.minutes >= r.start && l.minutes < r.end);
}

/** The next moment someone is in (now if open); undefined when nothing opens within 21 days. */
export function nextOpening(cal: Calendar, partner: string, at: Date): Date | undefined {
  if (isOpen(cal, partner, at)) return at;
  const week = weekFor(cal, partner);
  const today = local(at);
  for (let i = 0; i < 21; i++) {
    // Noon avoids landing on the wrong date across a clock change.
    const l = i === 0 ? today : local(new Date(Date.UTC(today.y, today.m - 1, today.d + i, 12)));
    if (cal.holidays.has(l.date)) continue;
    const starts = week[l.day].map((r) => r.start).filter((s) => i > 0 || s > today.minutes).sort((a, b) => a - b);
    if (starts[0] !== undefined) return londonToInstant(l.y, l.m, l.d, starts[0]);
  }
  return undefined;
}
