/** The local time zone of every course date and time in the data files. */
export const COURSE_TIME_ZONE = 'Europe/London';

const OPTIONS: Intl.DateTimeFormatOptions = {
  timeZone: COURSE_TIME_ZONE,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  hour: '2-digit',
  minute: '2-digit',
  // A 24-hour clock in every language: "09:30" cannot be mistaken for the evening.
  hourCycle: 'h23',
};

/** "Monday 11 January at 09:30" in Birmingham time, in the resident's language (English by default). */
export function formatWhen(iso: string, locale = 'en'): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, OPTIONS);
  } catch {
    // A malformed language tag from storage must not stop a reminder.
    format = new Intl.DateTimeFormat('en-GB', OPTIONS);
  }
  return format.format(new Date(iso));
}
