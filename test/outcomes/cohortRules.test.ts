/**
 * The report's rules on small hand-made cases (real PostgreSQL): who is in the cohort, which
 * attendance mark counts, how median days are taken, and that a partner's figures never count
 * another partner's referral or vacancy events.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadOutcomes } from '../../src/domain/outcomes/loadOutcomes.ts';
import type { FunnelStep, OutcomeReport, OutcomeScope } from '../../src/domain/outcomes/outcomeReport.ts';
import type { FunnelStage } from '../../src/store/funnelEvents.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { insertEvents, insertPartners, insertReferralCodes, type TestEvent } from './events.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await insertPartners(t.db, [
    { id: 'pioneer', name: 'Pioneer Housing' },
    { id: 'bvsc', name: 'BVSC' },
    { id: 'bcc', name: 'Birmingham City Council' },
  ]);
  await insertReferralCodes(t.db, [
    { code: 'PION1', partnerId: 'pioneer', label: 'Pioneer tenancy team' },
    { code: 'BVSC1', partnerId: 'bvsc', label: 'BVSC job club' },
  ]);
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await t.db.query('DELETE FROM funnel_events');
});

const NOW = new Date('2026-12-01T12:00:00Z');
const SEPTEMBER = { from: new Date('2026-09-01T00:00:00+01:00'), to: new Date('2026-10-01T00:00:00+01:00') };
const OCTOBER = { from: new Date('2026-10-01T00:00:00+01:00'), to: new Date('2026-11-01T00:00:00Z') };

type Step = [FunnelStage, string, Partial<TestEvent>?];

/** `n` residents who each have these events (the same dimensions on each). */
async function residents(n: number, steps: Step[], dims: Partial<TestEvent> = {}): Promise<void> {
  const events: TestEvent[] = [];
  for (let i = 0; i < n; i++) {
    const subject = randomUUID();
    for (const [stage, at, extra] of steps) events.push({ subject, stage, at: new Date(at), language: 'en', ...dims, ...extra });
  }
  await insertEvents(t.db, events);
}

const report = (period: { from: Date; to: Date }, scope: OutcomeScope = { kind: 'network' }) => loadOutcomes(t.db, scope, period, { now: NOW });
const count = (r: OutcomeReport, step: FunnelStep) => r.funnel.find((f) => f.step === step)!.residents.shown;
const median = (r: OutcomeReport, step: FunnelStep) => r.funnel.find((f) => f.step === step)!.medianDays;
const conv = (r: OutcomeReport, step: FunnelStep) => r.funnel.find((f) => f.step === step)!.conversion;
const strip = (r: OutcomeReport) => ({ ...r, generatedAt: null });

describe('the cohort', () => {
  it('is who first came in the period; their later steps count in that period, not in the month they happened', async () => {
    await residents(6, [
      ['consented', '2026-09-20T10:00:00Z'],
      ['booked', '2026-10-03T10:00:00Z', { sessionId: 's1' }],
    ]);
    await residents(5, [['consented', '2026-10-10T10:00:00Z']]);
    const sep = await report(SEPTEMBER);
    expect([count(sep, 'consented'), count(sep, 'booked')]).toEqual(['6', '6']);
    const oct = await report(OCTOBER);
    expect([count(oct, 'consented'), count(oct, 'booked')]).toEqual(['5', '0']);
    // The weekly rows are activity: the six bookings happened in the week of 28 September.
    expect(oct.weekly.find((w) => w.key === '2026-09-28')!.counts.booked.shown).toBe('6');
    expect(sep.weekly.find((w) => w.key === '2026-09-28')!.counts.booked.shown).toBe('0');
  });

  it('the period boundary is local time: a consent at 23:30 on 30 September (BST) is September', async () => {
    await residents(5, [['consented', '2026-09-30T22:30:00Z']]);
    expect(count(await report(SEPTEMBER), 'consented')).toBe('5');
    expect(count(await report(OCTOBER), 'consented')).toBe('0');
  });
});

describe('attendance', () => {
  it('counts a resident when the latest mark of some session says attended', async () => {
    // Marked attended, then corrected to did not attend: not attended.
    await residents(5, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['attended', '2026-10-05T10:00:00Z', { sessionId: 's1' }],
      ['did_not_attend', '2026-10-06T10:00:00Z', { sessionId: 's1' }],
    ]);
    // The other way round: attended.
    await residents(6, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['did_not_attend', '2026-10-05T10:00:00Z', { sessionId: 's1' }],
      ['attended', '2026-10-06T10:00:00Z', { sessionId: 's1' }],
    ]);
    // Went to one session, missed a later one: attended.
    await residents(7, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['attended', '2026-10-05T10:00:00Z', { sessionId: 's1' }],
      ['did_not_attend', '2026-10-12T10:00:00Z', { sessionId: 's2' }],
    ]);
    const r = await report(OCTOBER);
    expect(count(r, 'attended')).toBe('13');
    // In the weeks: the corrected marks count where the latest mark is.
    expect(r.weekly.find((w) => w.key === '2026-10-05')!.counts.attended.shown).toBe('13');
  });
});

describe('median days', () => {
  it('is the lower median of London calendar days between first reaching each step, over residents who reached both', async () => {
    const gaps = [0.5, 1.2, 2.9, 3.1, 10, 30];
    for (const g of gaps) {
      await residents(1, [
        ['consented', '2026-10-01T10:00:00Z'],
        ['eligibility', new Date(Date.parse('2026-10-01T10:00:00Z') + g * 86_400_000).toISOString(), { eligible: true }],
        ['eligibility', '2026-11-20T10:00:00Z', { eligible: true }],
      ]);
    }
    // London calendar days (from 11:00 BST on 1 October) 0, 1, 3 (2.9 days on is 08:36 on the 4th), 3, 10, 30:
    // the lower median of six is the third, 3.
    expect(median(await report(OCTOBER), 'eligible')).toBe(3);
  });

  it('is not shown over fewer than five residents', async () => {
    await residents(4, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['eligibility', '2026-10-03T10:00:00Z', { eligible: true }],
    ]);
    await residents(3, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['eligibility', '2026-10-03T10:00:00Z', { eligible: false, rule: 'age' }],
    ]);
    const r = await report(OCTOBER);
    expect([count(r, 'consented'), count(r, 'eligible'), median(r, 'eligible')]).toEqual(['7', '<5', null]);
  });
});

describe('the funnel order: residents book and apply in the same chat, before the session', () => {
  it('five residents apply, then are marked attended a day later: applied comes before attended, 100% each, 1 day', async () => {
    await residents(5, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['eligibility', '2026-10-01T10:05:00Z', { eligible: true }],
      ['booked', '2026-10-01T10:10:00Z', { sessionId: 's1' }],
      ['applied', '2026-10-01T10:15:00Z', { partnerId: 'bcc', vacancyId: 'bcc-1' }],
      ['attended', '2026-10-02T09:00:00Z', { sessionId: 's1' }],
    ]);
    const r = await report(OCTOBER);
    expect(r.funnel.map((f) => f.step)).toEqual(['started', 'consented', 'eligible', 'booked', 'applied', 'attended', 'shortlisted', 'interviewed', 'offered', 'started_job']);
    expect(['applied', 'attended'].map((s) => [count(r, s as FunnelStep), conv(r, s as FunnelStep), median(r, s as FunnelStep)])).toEqual([
      ['5', '100%', 0],
      // Under 24 hours, but the next London day.
      ['5', '100%', 1],
    ]);
  });

  it('residents in both orders: conversion is of the previous step and never over 100%; days only where this step is not on an earlier day', async () => {
    // Applied in the chat, then attended.
    await residents(5, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['booked', '2026-10-02T10:00:00Z', { sessionId: 's1' }],
      ['applied', '2026-10-02T10:05:00Z', { partnerId: 'bcc', vacancyId: 'bcc-1' }],
      ['attended', '2026-10-05T10:00:00Z', { sessionId: 's1' }],
    ]);
    // Attended, then applied a week later.
    await residents(6, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['booked', '2026-10-02T10:00:00Z', { sessionId: 's1' }],
      ['attended', '2026-10-05T10:00:00Z', { sessionId: 's1' }],
      ['applied', '2026-10-12T10:00:00Z', { partnerId: 'bcc', vacancyId: 'bcc-1' }],
    ]);
    // Applied without booking.
    await residents(7, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['applied', '2026-10-03T10:00:00Z', { partnerId: 'bcc', vacancyId: 'bcc-1' }],
    ]);
    const r = await report(OCTOBER);
    // Booked 11; applied 18, 11 of them booked: 100%, not 164%. Attended 11, all of the applied's 18 … 11 of them: 61%.
    expect([count(r, 'booked'), count(r, 'applied'), conv(r, 'applied'), count(r, 'attended'), conv(r, 'attended')]).toEqual(['11', '18', '100%', '11', '61%']);
    // Booked → applied: 0 days (5) and 10 days (6): the lower median of 11 is the sixth, 10.
    expect(median(r, 'applied')).toBe(10);
    // Applied → attended: only the five who attended on or after the day they applied, 3 days.
    expect(median(r, 'attended')).toBe(3);
  });
});

describe('days between steps are London calendar days, so erasure (events kept at the start of their London day) moves nothing', () => {
  it('23:30 on 1 October to 00:30 on 3 October (BST) is 2 days, before and after the times are cut to the day', async () => {
    await residents(5, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['booked', '2026-10-01T22:30:00Z', { sessionId: 's1' }],
      ['applied', '2026-10-02T23:30:00Z', { partnerId: 'bcc', vacancyId: 'bcc-1' }],
    ]);
    const before = await report(OCTOBER);
    expect(median(before, 'applied')).toBe(2);
    await t.db.query(`UPDATE funnel_events SET at = date_trunc('day', at AT TIME ZONE 'Europe/London') AT TIME ZONE 'Europe/London'`);
    expect(strip(await report(OCTOBER))).toEqual(strip(before));
  });
});

describe('erasures', () => {
  it('are a bare count for the network: not for a partner, nor under a programme, route or decile filter', async () => {
    await residents(5, [['consented', '2026-10-01T10:00:00Z']], { referralCode: 'PION1', programmeId: 'young-people' });
    await insertEvents(
      t.db,
      Array.from({ length: 6 }, (_, i): TestEvent => ({ subject: null, stage: 'erased', at: new Date(`2026-10-${10 + i}T23:00:00Z`) })),
    );
    await insertEvents(t.db, [{ subject: null, stage: 'erased', at: new Date('2026-09-29T23:00:00Z') }]);
    expect((await report(OCTOBER)).erased.shown).toBe('6');
    expect((await loadOutcomes(t.db, { kind: 'network' }, { ...OCTOBER, partnerId: 'bcc' }, { now: NOW })).erased.shown).toBe('6');
    expect((await report(OCTOBER, { kind: 'partner', partnerId: 'pioneer' })).erased.shown).toBe('–');
    for (const filter of [{ programmeId: 'young-people' }, { referralCode: 'PION1' }, { imdDecile: 1 }]) {
      expect((await loadOutcomes(t.db, { kind: 'network' }, { ...OCTOBER, ...filter }, { now: NOW })).erased.shown).toBe('–');
    }
  });
});

describe('by ward', () => {
  it('has a "not known" row, so no column gives away the residents without a ward by subtraction from the funnel', async () => {
    await residents(10, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['eligibility', '2026-10-01T10:05:00Z', { eligible: true, wardCode: 'E05011186', imdDecile: 1 }],
      ['booked', '2026-10-01T10:10:00Z', { sessionId: 's1', wardCode: 'E05011186', imdDecile: 1 }],
    ]);
    await residents(2, [
      ['consented', '2026-10-01T10:00:00Z'],
      ['eligibility', '2026-10-01T10:05:00Z', { eligible: true }],
      ['booked', '2026-10-01T10:10:00Z', { sessionId: 's1' }],
    ]);
    const r = await report(OCTOBER);
    expect([count(r, 'consented'), count(r, 'eligible'), count(r, 'booked')]).toEqual(['12', '12', '12']);
    expect(r.byWard.map((w) => [w.key, w.label, w.counts.consented.shown, w.counts.eligible.shown, w.counts.booked.shown])).toEqual([
      ['E05011186', expect.any(String), '[c]', '[c]', '[c]'],
      ['', 'Ward not known', '<5', '<5', '<5'],
    ]);
    expect(r.decileUnknown.shown).toBe('<5');
  });
});

describe('partner scope', () => {
  async function mixed(): Promise<void> {
    await residents(
      6,
      [
        ['consented', '2026-10-01T10:00:00Z'],
        ['booked', '2026-10-02T10:00:00Z', { sessionId: 's1' }],
        ['applied', '2026-10-10T10:00:00Z', { partnerId: 'bcc', vacancyId: 'bcc-1' }],
      ],
      { referralCode: 'PION1' },
    );
    await residents(
      7,
      [
        ['consented', '2026-10-01T10:00:00Z'],
        ['applied', '2026-10-10T10:00:00Z', { partnerId: 'bcc', vacancyId: 'bcc-1' }],
        ['offered', '2026-10-20T10:00:00Z', { partnerId: 'bcc', vacancyId: 'bcc-1' }],
      ],
      { referralCode: 'BVSC1' },
    );
  }

  it("a community partner sees its own route's residents wherever they applied, and nothing of another route", async () => {
    await mixed();
    const pioneer = await report(OCTOBER, { kind: 'partner', partnerId: 'pioneer' });
    expect([count(pioneer, 'consented'), count(pioneer, 'booked'), count(pioneer, 'applied'), count(pioneer, 'offered')]).toEqual(['6', '6', '6', '0']);
    expect(pioneer.byReferral.map((r) => r.key)).toEqual(['PION1']);
  });

  it("an employer sees applications to its own vacancies and what followed, not the route's earlier steps", async () => {
    await mixed();
    const bcc = await report(OCTOBER, { kind: 'partner', partnerId: 'bcc' });
    expect([count(bcc, 'consented'), count(bcc, 'booked'), count(bcc, 'applied'), count(bcc, 'offered')]).toEqual(['0', '0', '13', '7']);
    // Both routes are other partners': one row, no codes or names.
    expect(bcc.byReferral.map((r) => [r.key, r.label, r.counts.applied.shown])).toEqual([['other', "Another partner's route", '13']]);
    expect(JSON.stringify(bcc)).not.toMatch(/PION1|BVSC1|Pioneer|BVSC job club/);
  });

  it("adding another partner's referral and vacancy events leaves a partner's report unchanged", async () => {
    await mixed();
    const before = await report(OCTOBER, { kind: 'partner', partnerId: 'pioneer' });
    await residents(
      9,
      [
        ['consented', '2026-10-02T10:00:00Z'],
        ['eligibility', '2026-10-03T10:00:00Z', { eligible: true }],
        ['applied', '2026-10-04T10:00:00Z', { partnerId: 'bcc', vacancyId: 'bcc-2' }],
        ['handed_off', '2026-10-05T10:00:00Z'],
      ],
      { referralCode: 'BVSC1', imdDecile: 1, wardCode: 'E05011186' },
    );
    const after = await report(OCTOBER, { kind: 'partner', partnerId: 'pioneer' });
    expect({ ...after, generatedAt: null }).toEqual({ ...before, generatedAt: null });
    // …while the network sees them.
    expect(count(await report(OCTOBER), 'consented')).toBe('22');
  });
});

describe('the decile filter', () => {
  it('is refused for a decile whose count the figures without it hide, so it cannot give the count away', async () => {
    await residents(20, [['consented', '2026-10-05T10:00:00Z']], { imdDecile: 1 });
    await residents(3, [['consented', '2026-10-06T10:00:00Z']], { imdDecile: 2 });
    await residents(6, [['consented', '2026-10-06T11:00:00Z']], { imdDecile: 3 });
    await residents(9, [['consented', '2026-10-07T10:00:00Z']]);
    const whole = await report(OCTOBER);
    expect(whole.reachByDecile.slice(0, 3).map((d) => d.residents.shown)).toEqual(['20', '<5', '[c]']);
    // Both the "<5" and the cell hidden to guard it stay hidden.
    for (const imdDecile of [2, 3]) {
      await expect(loadOutcomes(t.db, { kind: 'network' }, { ...OCTOBER, imdDecile }, { now: NOW })).rejects.toMatchObject({ code: 'outcomes_too_few' });
    }
    // A decile the figures show can be looked at on its own.
    expect(count(await loadOutcomes(t.db, { kind: 'network' }, { ...OCTOBER, imdDecile: 1 }, { now: NOW }), 'consented')).toBe('20');
  });
});
