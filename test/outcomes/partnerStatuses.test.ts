/**
 * Issue 15: the statuses partners set reach the figures — shortlisted, interviewed, offered and
 * the new `started` (job start) — once per change, with the vacancy and its employer, through the
 * real partner route `POST /admin/applications/:id/status` with the partner's own credential.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/engine/reply.ts';
import { applicationStatus } from '../../src/domain/applications/applicationStatus.ts';
import { partnerRoutes } from '../../src/http/partnerRoutes.ts';
import { createApp, listen, type RunningServer } from '../../src/http/server.ts';
import { createPartnerCredential } from '../../src/store/partnerCredentials.ts';
import { loadNotices } from '../domain/courses/fixtures.ts';
import { consent, funnel, reachOf, Resident, ROUTE, startOutcomes, toApplication, type Outcomes } from './outcomesHarness.ts';

let o: Outcomes;
let server: RunningServer;
let base: string;
const told: Array<{ to: string; replies: Reply[] }> = [];

beforeAll(async () => {
  o = await startOutcomes();
  const logger = pino({ level: 'silent' });
  const send = async (to: string, replies: Reply[]) => void told.push({ to, replies });
  const app = createApp({ logger, bodyLimit: '100kb', readiness: [], routes: [['/admin', partnerRoutes({ db: o.db, send, notices: await loadNotices(), adminToken: undefined, logger })]] });
  server = await listen(app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}/admin`;
});
afterAll(async () => {
  await server?.close(1000);
  await o?.close();
});

describe('partner statuses in the figures', () => {
  it('each change records its stage once, with vacancy and employer; started is accepted end to end and the resident is told', async () => {
    const r = new Resident(o.dl);
    await r.start({ referral: ROUTE });
    await consent(r);
    const { vacancyIds } = await toApplication(o, r);
    const subject = (await reachOf(o.db, r.conversationId))!.subject;
    const status = await applicationStatus(o.db, r.conversationId);
    if (status.type !== 'found') throw new Error('no application');
    const line = status.vacancies.find((v) => v.vacancyId === vacancyIds[0])!;
    const { rows } = await o.db.query<{ partner_id: string }>('SELECT partner_id FROM vacancies WHERE id = $1', [line.vacancyId]);
    const partnerId = rows[0]!.partner_id;
    const credential = await createPartnerCredential(o.db, { partnerId, label: 'recruitment' });
    if (credential.type !== 'created') throw new Error('no credential');

    const set = async (to: string) => {
      const res = await fetch(`${base}/applications/${line.applicationVacancyId}/status`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credential.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: to }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { type: string }).type;
    };
    const stages = async () => (await funnel(o.db, subject)).filter((e) => !['consented', 'eligibility', 'booked', 'applied'].includes(e.stage));

    expect(await set('shortlisted')).toBe('updated');
    expect(await set('shortlisted')).toBe('unchanged');
    expect(await set('interview')).toBe('updated');
    expect(await set('offered')).toBe('updated');
    expect(await set('started')).toBe('updated');

    const events = await stages();
    expect(events.map((e) => e.stage)).toEqual(['shortlisted', 'interviewed', 'offered', 'started_job']);
    for (const e of events) {
      expect(e).toMatchObject({ vacancy_id: line.vacancyId, partner_id: partnerId, programme_id: 'i-can', referral_code: ROUTE, imd_decile: 1, ward_code: 'E05011182', age_band: '18-24', language: 'en' });
    }
    // The resident hears of the job start in their language.
    const last = told.at(-1)!;
    expect(last.to).toBe(r.conversationId);
    expect(last.replies.map((x) => ('text' in x ? x.text : ''))).toEqual([expect.stringContaining('Congratulations on starting your new job!')]);

    // A status that is no stage of the funnel adds no event.
    expect(await set('unsuccessful')).toBe('updated');
    expect(await stages()).toHaveLength(4);

    // An unknown status is refused with a message naming the statuses, `started` among them.
    const refused = await fetch(`${base}/applications/${line.applicationVacancyId}/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credential.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'hired' }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      'status must be one of submitted, shortlisted, interview, offered, started, unsuccessful, withdrawn',
    );
    expect(await stages()).toHaveLength(4);
  });
});
