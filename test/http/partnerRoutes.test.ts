import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationStatus } from '../../src/domain/applications/applicationStatus.ts';
import { submitApplication } from '../../src/domain/applications/submitApplication.ts';
import { applicationProfileSchema } from '../../src/domain/applications/applicationProfile.ts';
import { partnerRoutes } from '../../src/http/partnerRoutes.ts';
import type { Send } from '../../src/domain/shared/send.ts';
import { seedPartners } from '../../src/domain/vacancies/seedPartners.ts';
import { createApp, listen, type RunningServer } from '../../src/http/server.ts';
import { agreeToShare } from '../helpers/consent.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { addConversations, loadNotices } from '../domain/courses/fixtures.ts';

const TOKEN = 'test-admin-token';

describe('partner admin routes', () => {
  let t: TestDb;
  let server: RunningServer;
  let base: string;
  const sent: string[] = [];
  const send: Send = async (to) => void sent.push(to);
  let avId: number;
  beforeAll(async () => {
    t = await createTestDb();
    await seedPartners(t.db);
    const [who] = await addConversations(t.db, 'adm', 1);
    const profile = applicationProfileSchema.parse({ jobFamilies: ['facilities'], age: 30 });
    const sharedWith = await agreeToShare(t.db, who!, ['bchc', 'uhb']);
    await t.db.transaction((tx) =>
      submitApplication(tx, { conversationId: who!, profile, vacancyIds: ['bchc-catering-2027-1', 'uhb-domestic-heartlands-2027-1'], sharedWith }, new Date('2027-01-10T12:00:00Z')),
    );
    const s = await applicationStatus(t.db, who!);
    avId = s.type === 'found' ? s.vacancies.find((v) => v.vacancyId === 'bchc-catering-2027-1')!.applicationVacancyId : -1;
    const logger = pino({ level: 'silent' });
    const app = createApp({ logger, bodyLimit: '100kb', readiness: [], routes: [['/admin', partnerRoutes({ db: t.db, send, notices: await loadNotices(), adminToken: TOKEN, logger })]] });
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}/admin`;
  });
  afterAll(async () => {
    await server?.close(1000);
    await t?.close();
  });

  const auth = { authorization: `Bearer ${TOKEN}` };
  const post = (id: number | string, body: unknown) =>
    fetch(`${base}/applications/${id}/status`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('needs the token', async () => {
    expect((await fetch(`${base}/partners/bchc/applications`)).status).toBe(401);
  });

  it('exports only the partner\'s own applications as CSV', async () => {
    const res = await fetch(`${base}/partners/bchc/applications`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const body = await res.text();
    expect(body).toContain('bchc-catering-2027-1');
    expect(body).not.toContain('uhb-');
    expect((await fetch(`${base}/partners/nobody/applications`, { headers: auth })).status).toBe(404);
  });

  it('sets a status and tells the resident; bad input is a clear 400', async () => {
    const ok = await post(avId, { status: 'shortlisted' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ type: 'updated', from: 'submitted', to: 'shortlisted', notified: true });
    expect(sent).toEqual(['adm-0']);
    const bad = await post(avId, { status: 'hired' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('status_invalid');
    expect((await post('abc', { status: 'offered' })).status).toBe(400);
    expect((await post(999_999, { status: 'offered' })).status).toBe(404);
  });
});
