import { describe, expect, it } from 'vitest';
import { loadBankHolidays } from '../../../src/domain/handoffs/bankHolidays.ts';
import { type Calendar, DEFAULT_OFFICE_HOURS_JSON, isOpen, nextOpening, officeHoursSettingSchema } from '../../../src/domain/handoffs/officeHours.ts';

const cal: Calendar = {
  hours: officeHoursSettingSchema.parse(
    JSON.stringify({ ...JSON.parse(DEFAULT_OFFICE_HOURS_JSON), uhb: { sat: ['10:00-12:30'], mon: ['08:00-20:00'] } }),
  ),
  holidays: loadBankHolidays(),
};
const at = (iso: string) => new Date(iso);

describe('office hours (Europe/London)', () => {
  it('reads the shipped GOV.UK bank holidays', () => {
    expect(cal.holidays.has('2026-08-31')).toBe(true);
    expect(cal.holidays.has('2026-12-28')).toBe(true);
    expect(cal.holidays.has('2026-08-28')).toBe(false);
  });

  it('is open on a weekday in summer time by London clocks, not UTC', () => {
    // 08:30 UTC = 09:30 BST.
    expect(isOpen(cal, 'default', at('2026-07-14T08:30:00Z'))).toBe(true);
    // 16:30 UTC = 17:30 BST.
    expect(isOpen(cal, 'default', at('2026-07-14T16:30:00Z'))).toBe(false);
    // In winter 16:30 UTC = 16:30 GMT: still open.
    expect(isOpen(cal, 'default', at('2026-01-14T16:30:00Z'))).toBe(true);
  });

  it('is closed all day on a bank holiday and reopens the next working morning', () => {
    // Summer bank holiday, Monday 31 August 2026, 10:00 BST.
    expect(isOpen(cal, 'default', at('2026-08-31T09:00:00Z'))).toBe(false);
    expect(nextOpening(cal, 'default', at('2026-08-31T09:00:00Z'))).toEqual(at('2026-09-01T08:00:00Z'));
    // Friday evening before it: skips the weekend and the holiday.
    expect(nextOpening(cal, 'default', at('2026-08-28T17:00:00Z'))).toEqual(at('2026-09-01T08:00:00Z'));
  });

  it('skips Easter 2026 (Good Friday and Easter Monday)', () => {
    expect(nextOpening(cal, 'default', at('2026-04-02T16:30:00Z'))).toEqual(at('2026-04-07T08:00:00Z'));
  });

  it('crosses the autumn clock change: Friday BST evening → Monday 09:00 GMT', () => {
    // Clocks go back on Sunday 25 October 2026.
    expect(isOpen(cal, 'default', at('2026-10-23T15:59:00Z'))).toBe(true);
    expect(isOpen(cal, 'default', at('2026-10-23T16:00:00Z'))).toBe(false);
    expect(nextOpening(cal, 'default', at('2026-10-23T16:00:00Z'))).toEqual(at('2026-10-26T09:00:00Z'));
  });

  it('crosses the spring clock change: Friday GMT evening → Monday 09:00 BST', () => {
    // Clocks go forward on Sunday 29 March 2026.
    expect(nextOpening(cal, 'default', at('2026-03-27T18:00:00Z'))).toEqual(at('2026-03-30T08:00:00Z'));
    expect(isOpen(cal, 'default', at('2026-03-30T07:59:00Z'))).toBe(false);
    expect(isOpen(cal, 'default', at('2026-03-30T08:00:00Z'))).toBe(true);
  });

  it('uses a partner’s own hours, and the default for unknown partners', () => {
    // Saturday 11 July 2026 11:00 BST.
    expect(isOpen(cal, 'uhb', at('2026-07-11T10:00:00Z'))).toBe(true);
    expect(isOpen(cal, 'default', at('2026-07-11T10:00:00Z'))).toBe(false);
    expect(isOpen(cal, 'nobody', at('2026-07-11T10:00:00Z'))).toBe(false);
    // Sunday night → Monday 08:00 BST for uhb.
    expect(nextOpening(cal, 'uhb', at('2026-07-12T21:00:00Z'))).toEqual(at('2026-07-13T07:00:00Z'));
  });

  it('returns now when open, and refuses bad settings with a clear message', () => {
    const now = at('2026-07-14T10:00:00Z');
    expect(nextOpening(cal, 'default', now)).toBe(now);
    const bad = officeHoursSettingSchema.safeParse('{"default":{"mon":["17:00-09:00"]}}');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain('end must be after start');
    expect(officeHoursSettingSchema.safeParse('{"uhb":{}}').success).toBe(false);
    expect(officeHoursSettingSchema.safeParse('not json').success).toBe(false);
  });
});
