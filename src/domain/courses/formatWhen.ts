import { languageOf } from '../../languages.ts';

/** The local time zone of every course date and time in the data files. */
export const COURSE_TIME_ZONE = 'Europe/London';

const DAY: Intl.DateTimeFormatOptions = { timeZone: COURSE_TIME_ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };
// "9:30 صبح – 3:00 دوپہر": each language's own words for the time of day, never "AM"/"PM" in Latin letters.
const TIME: Intl.DateTimeFormatOptions = { timeZone: COURSE_TIME_ZONE, hour: 'numeric', minute: '2-digit', dayPeriod: 'short' };

function formats(locale: string): { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat; lng: string } {
  try {
    return { day: new Intl.DateTimeFormat(locale, DAY), time: new Intl.DateTimeFormat(locale, TIME), lng: locale.split('-')[0]! };
  } catch {
    // A malformed language tag from storage must not stop a reminder.
    return formats('en');
  }
}

/** "9:30am", "3pm", "12:15pm" (the way British English writes times in plain text). */
function englishTime(d: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: COURSE_TIME_ZONE, hour: 'numeric', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const h = Number(parts.find((p) => p.type === 'hour')!.value);
  const m = parts.find((p) => p.type === 'minute')!.value;
  return `${h % 12 === 0 ? 12 : h % 12}${m === '00' ? '' : `:${m}`}${h < 12 ? 'am' : 'pm'}`;
}

/** "Monday 25 January 2027" (no comma after the day name). */
function englishDay(d: Date): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', DAY).formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

/**
 * When a session runs, in Birmingham time and the resident's language, with the year and,
 * given `endIso`, the end time (issue 11): "Monday 25 January 2027, 9:30am to 3pm";
 * in Urdu "پیر، 25 جنوری، 2027، 9:30 صبح – 3:00 دوپہر".
 * @example formatWhen('2027-01-25T09:30:00Z', 'en', '2027-01-25T15:00:00Z')
 */
export function formatWhen(startIso: string, locale = 'en', endIso?: string): string {
  const start = new Date(startIso);
  const end = endIso ? new Date(endIso) : undefined;
  const f = formats(locale === 'en' ? 'en-GB' : locale);
  if (f.lng === 'en') {
    const sameDay = end && englishDay(end) === englishDay(start);
    if (!end) return `${englishDay(start)}, ${englishTime(start)}`;
    if (sameDay) return `${englishDay(start)}, ${englishTime(start)} to ${englishTime(end)}`;
    return `${englishDay(start)}, ${englishTime(start)} to ${englishDay(end)}, ${englishTime(end)}`;
  }
  const comma = languageOf(f.lng)?.dir === 'rtl' ? '، ' : ', ';
  if (!end) return `${f.day.format(start)}${comma}${f.time.format(start)}`;
  if (f.day.format(end) !== f.day.format(start)) return `${f.day.format(start)}${comma}${f.time.format(start)} – ${f.day.format(end)}${comma}${f.time.format(end)}`;
  return `${f.day.format(start)}${comma}${f.time.formatRange(start, end)}`;
}
