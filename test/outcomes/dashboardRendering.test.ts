/**
 * Issue 15, the dashboard's rendering from a report literal (no database): the filter form's
 * defaults and checks, and charts that are readable without colour — a label on every bar, no bar
 * for a suppressed count, one titled image.
 */
import { describe, expect, it } from 'vitest';
import { renderBarChart } from '../../src/http/outcomes/charts.ts';
import { lastFullMonth, queryOfFilters, readFilters } from '../../src/http/outcomes/filters.ts';

const NOW = new Date('2026-11-30T20:00:00Z');

describe('the filter form', () => {
  it('with no dates shows the last full calendar month, in London days (October begins at 23:00 UTC on 30 September)', () => {
    const r = readFilters({}, NOW);
    expect(r.ok && { from: r.filters.from.toISOString(), to: r.filters.to.toISOString(), shown: r.formValues }).toEqual({
      from: '2026-09-30T23:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
      shown: { from: '2026-10-01', to: '2026-10-31' },
    });
    expect(lastFullMonth(new Date('2027-01-05T00:00:00Z'))).toEqual({ from: new Date('2026-12-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') });
    // Half past eleven on 31 October, UTC, is still October in London: the last full month is September.
    expect(lastFullMonth(new Date('2026-10-31T23:30:00Z'))).toEqual({ from: new Date('2026-08-31T23:00:00Z'), to: new Date('2026-09-30T23:00:00Z') });
  });

  it('reads every field, blank meaning all, and writes the same query back for exports', () => {
    const r = readFilters({ from: '2026-09-01', to: '2026-09-30', programme: 'i-can', employer: 'uhb', route: 'pioneer1', decile: '1' }, NOW);
    if (!r.ok) throw new Error(r.problems.join('; '));
    expect(r.filters).toMatchObject({ programmeId: 'i-can', partnerId: 'uhb', referralCode: 'PIONEER1', imdDecile: 1 });
    expect(queryOfFilters(r.filters)).toBe('from=2026-09-01&to=2026-09-30&programme=i-can&employer=uhb&route=PIONEER1&decile=1');
    const blank = readFilters({ programme: '', employer: '', route: '', decile: '' }, NOW);
    expect(blank.ok && blank.filters).toEqual({ from: new Date('2026-09-30T23:00:00Z'), to: new Date('2026-11-01T00:00:00Z') });
  });

  it('says what is wrong with each bad value, in the form\'s words', () => {
    const r = readFilters({ from: '2026-02-30', decile: '1.5', route: 'a b', employer: 'UHB!', to: ['2026-10-01', '2026-10-02'] }, NOW);
    expect(r.ok ? [] : r.problems.sort()).toEqual([
      'Employer: an id of lower-case letters, digits and dashes',
      'From: a date such as 2026-10-31',
      'IMD decile: a decile from 1 to 10',
      'Referral route: a referral code is 4 to 20 letters and digits',
      'To: one value only',
    ]);
    const long = readFilters({ from: '2020-01-01', to: '2026-01-01' }, NOW);
    expect(long.ok ? [] : long.problems).toEqual(['From and To: at most 731 days at a time']);
  });
});

describe('charts drawn on the server', () => {
  it('one titled image; every value written beside its bar; a suppressed count has its mark and no bar', async () => {
    const svg = await renderBarChart(
      {
        title: 'Residents by route',
        valueTitle: 'residents',
        categories: ['Pioneer tenancy team', 'Northfield job club', 'No route'],
        series: [
          { name: 'Consented', values: [24, null, 31], shown: ['24', '<5', '31'] },
          { name: 'Applied', values: [10, null, 0], shown: ['10', '[c]', '0'] },
        ],
      },
      'chart-x',
    );
    expect(svg).toMatch(/^<svg[^>]* role="img" aria-labelledby="chart-x-title" focusable="false"><title id="chart-x-title">Residents by route<\/title>/);
    expect(svg).not.toMatch(/role="graphics-/);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const label of ['24', '&lt;5', '31', '10', '[c]', '0', 'Consented', 'Applied']) expect(texts).toContain(label);
    // Bars: one path per drawn value; the two suppressed ones are not drawn (4 of 6 values have a bar, a zero draws an empty one).
    const bars = svg.slice(svg.indexOf('mark-rect'), svg.indexOf('</g>', svg.indexOf('mark-rect')));
    expect(bars.match(/<path /g)).toHaveLength(4);
    // The second series is told apart by its outline and dashes, not only by its colour.
    expect(bars).toMatch(/stroke-dasharray="4,2"/);
  });
});
