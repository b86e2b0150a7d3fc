/** The local time zone of every course date and time in the data files. */
export const COURSE_TIME_ZONE = 'Europe/London';

/** "Monday 11 January at 09:30" in Birmingham time (English). */
export function formatWhen(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: COURSE_TIME_ZONE,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}
