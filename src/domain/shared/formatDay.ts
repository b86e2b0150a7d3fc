const OPTIONS: Intl.DateTimeFormatOptions = { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };

/**
 * "Sunday 31 January 2027" for a calendar date (YYYY-MM-DD), in the resident's language
 * (English by default; Urdu "اتوار، 31 جنوری، 2027"). Read as UTC midnight so no time
 * zone moves it to another day.
 */
export function formatDay(isoDate: string, locale = 'en'): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, OPTIONS);
  } catch {
    // A malformed language tag from storage must not stop a reply.
    format = new Intl.DateTimeFormat('en-GB', OPTIONS);
  }
  if (format.resolvedOptions().locale.startsWith('en')) {
    // en-GB writes "Sunday, 31 January 2027"; plain British text has no comma there.
    const p = Object.fromEntries(format.formatToParts(date).map((x) => [x.type, x.value]));
    return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
  }
  return format.format(date);
}
