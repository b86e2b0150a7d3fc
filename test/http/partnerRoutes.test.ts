import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationStatus } from '../../src/domain/applications/applicationStatus.ts';
import { submitApplication } from '../../src/domain/applications/submitApplication.ts';
import { applicationProfileSchema } from '../../src/domain/applications/applicationProfile.ts';
import { partnerRoutes } from '../../src/http/partnerRoutes.ts';
import type { Send } from '../../src/domain/shared/send.ts';
import { seedPartners } from '../../src/domain/vacancies/seedPartners.ts';
import { createApp, listen, type RunningServer } from '../../src/http/server.ts';
import { createPartnerCredential, listPartnerAccess, listPartnerCredentials, revokePartnerCredential } from '../../src/store/partnerCredentials.ts';
import { recordConsent } from '../../src/store/consentEvents.ts';
import { agreeToShare } from '../helpers/consent.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { addConversations, loadNotices } from '../domain/courses/fixtures.ts';

const OPERATOR_TOKEN = 'operator-token-Zr8Q2mV7xLp4KtN9wB3yH6cJ';

async function credentialFor(t: TestDb, partnerId: string): Promise<string> {
  const c = await createPartnerCredential(t.db, { partnerId, label: `${partnerId} test` });
  if (c.type !== 'created') throw new Error(`no partner ${partnerId}`);
  return c.token;
}

describe('partner admin routes', () => {
  let t: TestDb;
  let server: RunningServer;
  let base: string;
  const sent: string[] = [];
  const send: Send = async (to) => void sent.push(to);
  let avId: number;
  let uhbAvId: number;
  let bchc: string;
  let uhb: string;
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
    uhbAvId = s.type === 'found' ? s.vacancies.find((v) => v.vacancyId === 'uhb-domestic-heartlands-2027-1')!.applicationVacancyId : -1;
    bchc = await credentialFor(t, 'bchc');
    uhb = await credentialFor(t, 'uhb');
    const logger = pino({ level: 'silent' });
    const app = createApp({ logger, bodyLimit: '100kb', readiness: [], routes: [['/admin', partnerRoutes({ db: t.db, send, notices: await loadNotices(), adminToken: OPERATOR_TOKEN, logger })]] });
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}/admin`;
  });
  afterAll(async () => {
    await server?.close(1000);
    await t?.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const auth = () => bearer(bchc);
  const post = (id: number | string, body: unknown, headers: Record<string, string> = auth()) =>
    fetch(`${base}/applications/${id}/status`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('needs a partner credential: none, a made-up one or a wrong secret is 401', async () => {
    expect((await fetch(`${base}/partners/bchc/applications`)).status).toBe(401);
    expect((await fetch(`${base}/partners/bchc/applications`, { headers: bearer('alp_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA') })).status).toBe(401);
    const wrongSecret = `${bchc.slice(0, 'alp_'.length + 17)}${'A'.repeat(43)}`;
    expect((await fetch(`${base}/partners/bchc/applications`, { headers: bearer(wrongSecret) })).status).toBe(401);
  });

  it('exports only the partner\'s own applications as CSV', async () => {
    const res = await fetch(`${base}/partners/bchc/applications`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const body = await res.text();
    expect(body).toContain('bchc-catering-2027-1');
    expect(body).not.toContain('uhb-');
  });

  it('refuses another partner\'s export with 403, the same whether that partner exists or not', async () => {
    const other = await fetch(`${base}/partners/uhb/applications`, { headers: auth() });
    const nobody = await fetch(`${base}/partners/nobody/applications`, { headers: auth() });
    expect([other.status, nobody.status]).toEqual([403, 403]);
    expect(await other.json()).toEqual(await nobody.json());
  });

  it('the operator token (ADMIN_TOKEN) does not open partner data', async () => {
    const res = await fetch(`${base}/partners/bchc/applications`, { headers: bearer(OPERATOR_TOKEN) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/partner credential/);
    expect((await post(avId, { status: 'interview' }, bearer(OPERATOR_TOKEN))).status).toBe(403);
  });

  it('refuses a status update on another partner\'s application line, or one that does not exist, with the same 403; nothing changes', async () => {
    const other = await post(uhbAvId, { status: 'offered' });
    const missing = await post(999_999, { status: 'offered' });
    expect([other.status, missing.status]).toEqual([403, 403]);
    expect(await other.json()).toEqual(await missing.json());
    const s = await applicationStatus(t.db, 'adm-0');
    expect(s.type === 'found' && s.vacancies.find((v) => v.applicationVacancyId === uhbAvId)?.status).toBe('submitted');
    // Its own partner's credential may.
    expect((await post(uhbAvId, { status: 'interview' }, bearer(uhb))).status).toBe(200);
  });

  it('a revoked credential is refused with 401 from its next request; the others keep working', async () => {
    const spare = await credentialFor(t, 'bchc');
    expect((await fetch(`${base}/partners/bchc/applications`, { headers: bearer(spare) })).status).toBe(200);
    const id = /^alp_([0-9a-f]{16})_/.exec(spare)![1]!;
    expect((await revokePartnerCredential(t.db, id)).type).toBe('revoked');
    const res = await fetch(`${base}/partners/bchc/applications`, { headers: bearer(spare) });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('credential_revoked');
    expect((await post(avId, { status: 'interview' }, bearer(spare))).status).toBe(401);
    expect((await fetch(`${base}/partners/bchc/applications`, { headers: auth() })).status).toBe(200);
  });

  it('audits every use with credential, partner, action, application line and outcome, and no personal data; list shows last use, never the secret', async () => {
    const c = await createPartnerCredential(t.db, { partnerId: 'bchc', label: 'audit' });
    if (c.type !== 'created') throw new Error('not created');
    const h = bearer(c.token);
    await fetch(`${base}/partners/bchc/applications`, { headers: h });
    await fetch(`${base}/partners/uhb/applications`, { headers: h });
    await post(uhbAvId, { status: 'offered' }, h);
    await post(avId, { status: 'nonsense' }, h);
    await revokePartnerCredential(t.db, c.credential.id);
    await fetch(`${base}/partners/bchc/applications`, { headers: h });
    await fetch(`${base}/partners/bchc/applications`, { headers: bearer(`${c.token.slice(0, 21)}${'B'.repeat(43)}`) });
    const trail = await listPartnerAccess(t.db, c.credential.id);
    expect(trail.map(({ action, outcome, requestedPartnerId, applicationVacancyId, partnerId, credentialId }) => ({ action, outcome, requestedPartnerId, applicationVacancyId, partnerId, credentialId }))).toEqual([
      { action: 'credential.create', outcome: 'done', requestedPartnerId: null, applicationVacancyId: null, partnerId: 'bchc', credentialId: c.credential.id },
      { action: 'applications.export', outcome: 'allowed', requestedPartnerId: 'bchc', applicationVacancyId: null, partnerId: 'bchc', credentialId: c.credential.id },
      { action: 'applications.export', outcome: 'forbidden', requestedPartnerId: 'uhb', applicationVacancyId: null, partnerId: 'bchc', credentialId: c.credential.id },
      { action: 'application.set_status', outcome: 'forbidden', requestedPartnerId: null, applicationVacancyId: uhbAvId, partnerId: 'bchc', credentialId: c.credential.id },
      { action: 'application.set_status', outcome: 'invalid', requestedPartnerId: null, applicationVacancyId: avId, partnerId: 'bchc', credentialId: c.credential.id },
      { action: 'credential.revoke', outcome: 'done', requestedPartnerId: null, applicationVacancyId: null, partnerId: 'bchc', credentialId: c.credential.id },
      { action: 'applications.export', outcome: 'revoked', requestedPartnerId: null, applicationVacancyId: null, partnerId: 'bchc', credentialId: c.credential.id },
      { action: 'applications.export', outcome: 'bad_secret', requestedPartnerId: null, applicationVacancyId: null, partnerId: 'bchc', credentialId: c.credential.id },
    ]);
    const listed = (await listPartnerCredentials(t.db, 'bchc')).find((x) => x.id === c.credential.id)!;
    expect(listed.lastUsedAt).toBeInstanceOf(Date);
    expect(listed.revokedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(listed)).not.toContain(c.token.slice(22));
    // The secret is kept only as a hash.
    const stored = await t.db.query(`SELECT * FROM partner_credentials WHERE id = $1`, [c.credential.id]);
    expect(JSON.stringify(stored.rows)).not.toContain(c.token.slice(22));
  });

  it('sets a status and tells the resident; bad input is a clear 400', async () => {
    const before = sent.length;
    const ok = await post(avId, { status: 'shortlisted' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ type: 'updated', from: 'submitted', to: 'shortlisted', notified: true });
    expect(sent.slice(before)).toEqual(['adm-0']);
    const bad = await post(avId, { status: 'hired' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('status_invalid');
    expect((await post('abc', { status: 'offered' })).status).toBe(400);
  });

  it('once the resident stops sharing with a partner, that partner neither sees the application nor changes it', async () => {
    await recordConsent(t.db, [
      { conversationId: 'adm-0', purpose: 'share_application', scope: 'bchc', granted: false, wordingKey: 'commands.stopSharing.phrases', wordingVersion: 'test', locale: 'en', at: new Date() },
    ]);
    const csv = await (await fetch(`${base}/partners/bchc/applications`, { headers: auth() })).text();
    expect(csv).not.toContain('bchc-catering-2027-1');
    const refused = await post(avId, { status: 'interview' });
    expect(refused.status).toBe(403);
    expect(await codeOf(refused)).toBe('forbidden');
    // The other partner, still agreed to, is unaffected.
    expect(await (await fetch(`${base}/partners/uhb/applications`, { headers: bearer(uhb) })).text()).toContain('uhb-domestic-heartlands-2027-1');
  });
});
