/**
 * A small population for the dashboard's tests: two community routes of two different partners
 * (Pioneer's tenancy team and Birmingham Community Healthcare's Northfield job club) and residents
 * with no route, across deciles, wards, languages and stages, all in one month. Counts are chosen
 * above 5 where a test reads them, so suppression hides nothing the test compares.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../src/store/db.ts';
import { insertEvents, insertPartners, insertReferralCodes, type TestEvent } from './events.ts';

export const PIONEER = { code: 'PIONEER1', partnerId: 'pioneer-housing', label: 'Pioneer tenancy team' };
export const JOBCLUB = { code: 'JOBCLUB7', partnerId: 'bchc', label: 'Northfield job club' };

interface Group {
  n: number;
  route: typeof PIONEER | undefined;
  decile: number;
  ward: string;
  language: string;
  ageBand: string;
  employer: { partnerId: string; vacancyId: string };
  /** How many of the n reached each stage after consenting. */
  reached: { eligibility: number; booked: number; attended: number; applied: number; offered: number; started_job: number };
}

const GROUPS: Group[] = [
  { n: 24, route: PIONEER, decile: 1, ward: 'E05011182', language: 'en', ageBand: '18-24', employer: { partnerId: 'uhb', vacancyId: 'uhb-porter-heartlands-2027-1' }, reached: { eligibility: 20, booked: 16, attended: 12, applied: 10, offered: 6, started_job: 5 } },
  { n: 16, route: PIONEER, decile: 3, ward: 'E05011186', language: 'ur', ageBand: '25-34', employer: { partnerId: 'uhb', vacancyId: 'uhb-porter-heartlands-2027-1' }, reached: { eligibility: 12, booked: 8, attended: 6, applied: 5, offered: 0, started_job: 0 } },
  { n: 30, route: JOBCLUB, decile: 2, ward: 'E05011186', language: 'en', ageBand: '25-34', employer: { partnerId: 'bchc', vacancyId: 'bchc-catering-2027-1' }, reached: { eligibility: 25, booked: 18, attended: 15, applied: 12, offered: 7, started_job: 6 } },
  { n: 25, route: undefined, decile: 5, ward: 'E05011186', language: 'en', ageBand: '35-49', employer: { partnerId: 'bchc', vacancyId: 'bchc-receptionist-2027-1' }, reached: { eligibility: 20, booked: 10, attended: 8, applied: 6, offered: 0, started_job: 0 } },
];

/** Everyone who consented in the month: the dashboard's "Consented" for the whole network. */
export const CONSENTED_TOTAL = GROUPS.reduce((s, g) => s + g.n, 0);
/** Decile-1 residents (all Pioneer's). */
export const DECILE1_TOTAL = GROUPS.filter((g) => g.decile === 1).reduce((s, g) => s + g.n, 0);

const STAGES = ['eligibility', 'booked', 'attended', 'applied', 'offered', 'started_job'] as const;

/** Partners, both routes and every event, dated within the month that starts at `monthStart` (UTC). */
export async function seedPopulation(db: Queryable, monthStart: Date): Promise<void> {
  await insertPartners(db, [
    { id: 'pioneer-housing', name: 'Pioneer Group' },
    { id: 'uhb', name: 'University Hospitals Birmingham NHS Foundation Trust' },
    { id: 'bchc', name: 'Birmingham Community Healthcare NHS Foundation Trust' },
  ]);
  await insertReferralCodes(db, [PIONEER, JOBCLUB]);
  const day = (d: number, hour = 10) => new Date(monthStart.getTime() + (d - 1) * 86_400_000 + hour * 3_600_000);
  const events: TestEvent[] = [];
  let k = 0;
  for (const g of GROUPS) {
    for (let i = 0; i < g.n; i++, k++) {
      const subject = randomUUID();
      const first = 2 + (k % 14);
      const dims = { referralCode: g.route?.code ?? null, wardCode: g.ward, imdDecile: g.decile, ageBand: g.ageBand, language: g.language, programmeId: 'i-can' };
      events.push({ subject: null, stage: 'started', at: day(first, 9), referralCode: g.route?.code ?? null, language: g.language });
      events.push({ subject, stage: 'consented', at: day(first, 9), ...dims });
      STAGES.forEach((stage, j) => {
        if (i >= g.reached[stage]) return;
        const employer = ['applied', 'offered', 'started_job'].includes(stage) ? { partnerId: g.employer.partnerId, vacancyId: g.employer.vacancyId } : {};
        events.push({ subject, stage, at: day(first + j + 1, 11), ...(stage === 'eligibility' ? { eligible: true } : {}), ...employer, ...dims });
      });
    }
  }
  await insertEvents(db, events);
}
