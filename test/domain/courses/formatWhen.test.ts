import { describe, expect, it } from 'vitest';
import { formatWhen } from '../../../src/domain/courses/formatWhen.ts';
import { formatDay } from '../../../src/domain/shared/formatDay.ts';

describe('dates residents read (issue 11)', () => {
  it('says the day, the year, the start and the end, in Birmingham time', () => {
    expect(formatWhen('2027-01-25T09:30:00Z', 'en', '2027-01-25T15:00:00Z')).toBe('Monday 25 January 2027, 9:30am to 3pm');
    // British Summer Time: 08:30 UTC is 9:30am in Birmingham.
    expect(formatWhen('2027-07-05T08:30:00Z', 'en', '2027-07-05T11:15:00Z')).toBe('Monday 5 July 2027, 9:30am to 12:15pm');
    expect(formatWhen('2027-01-25T00:00:00Z', 'en')).toBe('Monday 25 January 2027, 12am');
    expect(formatWhen('2027-01-25T09:30:00Z', 'en', '2027-01-26T15:00:00Z')).toBe('Monday 25 January 2027, 9:30am to Tuesday 26 January 2027, 3pm');
  });

  it('in Urdu: Urdu day and month names, Urdu words for morning and afternoon, no Latin letters', () => {
    const ur = formatWhen('2027-01-25T09:30:00Z', 'ur', '2027-01-25T15:00:00Z');
    expect(ur).toBe('پیر، 25 جنوری، 2027، 9:30 صبح\u2009–\u20093:00 دوپہر');
    expect(ur).not.toMatch(/[A-Za-z]/);
    expect(formatWhen('2027-01-01T10:00:00Z', 'ur')).toBe('جمعہ، 1 جنوری، 2027، 10:00 صبح');
  });

  it('a malformed language tag falls back to English instead of failing', () => {
    expect(formatWhen('2027-01-25T09:30:00Z', 'not a tag!', '2027-01-25T15:00:00Z')).toBe('Monday 25 January 2027, 9:30am to 3pm');
  });

  it('calendar days with the day name and year', () => {
    expect(formatDay('2027-03-07')).toBe('Sunday 7 March 2027');
    expect(formatDay('2027-03-07', 'ur')).toBe('اتوار، 7 مارچ، 2027');
    expect(formatDay('nonsense')).toBe('nonsense');
  });
});
