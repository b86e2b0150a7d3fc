import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/domain/handoffs/audit.ts';
import { findOpenHandoff, getHandoff } from '../../../src/domain/handoffs/handoffStore.ts';
import path from 'node:path';
import { createSafeguardingCheck } from '../../../src/domain/safeguarding/createSafeguardingCheck.ts';
import { loadPhraseLists } from '../../../src/domain/safeguarding/phraseList.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { CLOSED_NOW, makeService, ownerOf, seedConversation } from './handoffFixtures.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.close());

const request = (service: ReturnType<typeof makeService>['service'], conversationId: string, over: Partial<Parameters<typeof service.request>[0]> = {}) =>
  t.db.transaction((tx) =>
    service.request({ conversationId, reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: { programme: 'I Can' }, ...over }, tx),
  );

async function outbox(handoffId: number): Promise<string[]> {
  const { rows } = await t.db.query<{ kind: string }>(`SELECT kind FROM slack_outbox WHERE handoff_id = $1 ORDER BY id`, [handoffId]);
  return rows.map((r) => r.kind);
}

describe('handoff request (inside the turn transaction)', () => {
  it('opens a handoff, gives the conversation to a person, queues the card and one escalation', async () => {
    await seedConversation(t.db, 'c1');
    const { service } = makeService(t.db);
    const { replies } = await request(service, 'c1');
    expect(replies).toEqual([
      { type: 'handoffStatus', status: 'requested', text: expect.stringContaining('asking an adviser'), locale: 'en', dir: 'ltr' },
    ]);
    expect(await ownerOf(t.db, 'c1')).toBe('person');
    const h = await findOpenHandoff(t.db, 'c1');
    expect(h).toMatchObject({ status: 'requested', reason: 'resident_asked', urgency: 'normal', partner: 'default' });
    expect(await outbox(h!.id)).toEqual(['card', 'escalate']);
  });

  it('a second request while one is open reuses it (no second card)', async () => {
    const { service } = makeService(t.db);
    const { replies } = await request(service, 'c1');
    expect(replies[0]).toMatchObject({ text: expect.stringContaining('already waiting') });
    const { rows } = await t.db.query(`SELECT id FROM handoffs WHERE conversation_id = 'c1'`);
    expect(rows).toHaveLength(1);
  });

  it('an urgent request upgrades the open handoff and tells the safeguarding group', async () => {
    const { service } = makeService(t.db);
    const { replies } = await request(service, 'c1', { reason: 'safeguarding', urgency: 'urgent' });
    expect(replies.map((r) => r.type === 'handoffStatus' && r.text)).toContainEqual(expect.stringContaining('safeguarding team'));
    const h = await findOpenHandoff(t.db, 'c1');
    expect(h).toMatchObject({ urgency: 'urgent', reason: 'safeguarding' });
    expect(await outbox(h!.id)).toEqual(['card', 'escalate', 'update', 'notice']);
  });

  it('rolls back with the turn: nothing is left when the turn fails', async () => {
    await seedConversation(t.db, 'c-rollback');
    const { service } = makeService(t.db);
    await expect(
      t.db.transaction(async (tx) => {
        await service.request({ conversationId: 'c-rollback', reason: 'flow_step', urgency: 'normal', locale: 'en', summary: {} }, tx);
        throw new Error('turn failed');
      }),
    ).rejects.toThrow('turn failed');
    expect(await findOpenHandoff(t.db, 'c-rollback')).toBeUndefined();
    expect(await ownerOf(t.db, 'c-rollback')).toBe('bot');
  });

  it('with Slack off, queues in the database and says an adviser will contact them', async () => {
    await seedConversation(t.db, 'c-off');
    const { service } = makeService(t.db, { slackEnabled: false });
    const { replies } = await request(service, 'c-off');
    expect(replies[0]).toMatchObject({ status: 'queued', text: expect.stringContaining('contact you') });
    const h = await findOpenHandoff(t.db, 'c-off');
    expect(h?.status).toBe('queued');
    expect(await outbox(h!.id)).toEqual([]);
  });

  it('out of hours, says when someone will reply and offers a call-back, in Urdu', async () => {
    await seedConversation(t.db, 'c-ooh', { locale: 'ur' });
    const { service, engine } = makeService(t.db, { now: () => CLOSED_NOW });
    const { replies } = await request(service, 'c-ooh', { locale: 'ur' });
    expect(replies).toHaveLength(3);
    expect(replies.every((r) => r.type === 'handoffStatus' && r.locale === 'ur' && r.dir === 'rtl')).toBe(true);
    // Saturday → Monday 20 July 09:00 London.
    expect(replies[1]).toMatchObject({ text: expect.stringContaining('09:00') });
    expect(replies[2]).toMatchObject({ text: expect.stringContaining('07700 900123') });

    await service.relayResidentMessage({ conversationId: 'c-ooh', seq: 2, text: 'میرا نمبر 07700 900 123 ہے، صبح', locale: 'ur' });
    expect(engine.sent.at(-1)?.replies[0]).toMatchObject({ type: 'text', text: expect.stringContaining('07700 900123') });
    await service.relayResidentMessage({ conversationId: 'c-ooh', seq: 3, text: 'call me on 0123456', locale: 'en' });
    // Answered in the handoff's language (Urdu), whatever the turn said.
    expect(engine.sent.at(-1)?.replies[0]).toMatchObject({ locale: 'ur', text: expect.stringContaining('فون نمبر درست نہیں') });
    const h = await findOpenHandoff(t.db, 'c-ooh');
    const { rows } = await t.db.query<{ payload: { phone: string } }>(`SELECT payload FROM slack_outbox WHERE handoff_id = $1 AND kind = 'notice'`, [h!.id]);
    expect(rows.map((r) => r.payload.phone)).toEqual(['07700 900123']);
    expect((await listAudit(t.db, 'c-ooh')).map((a) => a.action)).toEqual(['callback']);
  });
});

describe('safeguarding while a person owns the conversation', () => {
  const safeguarding = createSafeguardingCheck(loadPhraseLists(path.resolve('flows/safeguarding')));

  it('signposts at once and makes the waiting handoff urgent; a near-miss is only relayed', async () => {
    await seedConversation(t.db, 'sg1');
    const { service, engine } = makeService(t.db, { safeguarding, now: () => CLOSED_NOW });
    await request(service, 'sg1', { summary: { answers: { age_band: '16_17' } } });
    const h = (await findOpenHandoff(t.db, 'sg1'))!;

    await service.relayResidentMessage({ conversationId: 'sg1', seq: 2, text: 'I could kill for a coffee', locale: 'en' });
    expect(engine.sent).toEqual([]);
    expect((await findOpenHandoff(t.db, 'sg1'))?.urgency).toBe('normal');

    await service.relayResidentMessage({ conversationId: 'sg1', seq: 3, text: "honestly I don't want to live", locale: 'en' });
    const said = engine.sent.flatMap((x) => x.replies).map((r) => ('text' in r ? r.text : ''));
    expect(said[0]).toMatch(/^111, then option 2/);
    expect(said.join('\n')).toContain('0800 1111');
    expect(said.at(-1)).toContain('safeguarding team');
    expect(await findOpenHandoff(t.db, 'sg1')).toMatchObject({ id: h.id, urgency: 'urgent', reason: 'safeguarding' });
    expect(await outbox(h.id)).toEqual(['card', 'escalate', 'relay', 'relay', 'update', 'notice']);
  });
});

describe('adviser actions', () => {
  it('claim → message → return: owner goes back to the bot, the resident is told, all audited', async () => {
    await seedConversation(t.db, 'c2');
    const { service, engine } = makeService(t.db);
    await request(service, 'c2');
    const h = (await findOpenHandoff(t.db, 'c2'))!;
    await t.db.query(`UPDATE handoffs SET slack_channel = 'C1', slack_ts = '111.222' WHERE id = $1`, [h.id]);

    const notYet = await service.adviserMessage({ channel: 'C1', threadTs: '111.222', adviser: { id: 'U1' }, text: 'hello' });
    expect(notYet.type).toBe('not_claimed');

    const claimed = await service.claim(h.id, { id: 'U1', name: 'Sam' });
    expect(claimed).toMatchObject({ ok: true, handoff: { status: 'claimed', adviserId: 'U1', adviserName: 'Sam' } });
    expect(engine.sent.at(-1)?.replies[0]).toMatchObject({ type: 'handoffStatus', status: 'claimed', text: expect.stringContaining('Sam') });

    const other = await service.adviserMessage({ channel: 'C1', threadTs: '111.222', adviser: { id: 'U2' }, text: 'me too' });
    expect(other).toMatchObject({ type: 'not_owner', ownerId: 'U1' });
    const note = await service.adviserMessage({ channel: 'C1', threadTs: '111.222', adviser: { id: 'U2' }, text: 'NOTE: check DBS' });
    expect(note.type).toBe('note');
    const sentBefore = engine.sent.length;
    const msg = await service.adviserMessage({ channel: 'C1', threadTs: '111.222', adviser: { id: 'U1' }, text: 'Hi, I am Sam' });
    expect(msg).toMatchObject({ type: 'relayed', handoff: { status: 'active' } });
    expect(engine.sent.slice(sentBefore)).toEqual([{ conversationId: 'c2', replies: [{ type: 'adviser', text: 'Hi, I am Sam', adviserName: 'Sam' }] }]);

    expect(await service.returnToBot(h.id, { id: 'U2' })).toMatchObject({ ok: false, code: 'not_owner', ownerId: 'U1' });
    expect(await service.returnToBot(h.id, { id: 'U1' })).toMatchObject({ ok: true, handoff: { status: 'returned' } });
    expect(await ownerOf(t.db, 'c2')).toBe('bot');
    expect(engine.sent.at(-1)?.replies[0]).toMatchObject({ status: 'returned', text: expect.stringContaining("back with the assistant") });
    expect((await listAudit(t.db, 'c2')).map((a) => [a.action, a.adviserId])).toEqual([
      ['claim', 'U1'],
      ['note', 'U2'],
      ['message', 'U1'],
      ['return', 'U1'],
    ]);
    const ended = await service.adviserMessage({ channel: 'C1', threadTs: '111.222', adviser: { id: 'U1' }, text: 'still there?' });
    expect(ended.type).toBe('ended');
  });

  it('release puts it back in the queue; close ends the conversation with a closing line', async () => {
    await seedConversation(t.db, 'c3');
    const { service, engine } = makeService(t.db);
    await request(service, 'c3');
    const h = (await findOpenHandoff(t.db, 'c3'))!;
    await service.claim(h.id, { id: 'U1' });
    expect(await service.release(h.id, { id: 'U1' })).toMatchObject({ ok: true, handoff: { status: 'queued', adviserId: null } });
    expect(await service.claim(h.id, { id: 'U3' })).toMatchObject({ ok: true, handoff: { adviserId: 'U3' } });
    expect(await service.close(h.id, { id: 'U3' })).toMatchObject({ ok: true, handoff: { status: 'closed' } });
    expect(engine.sent.at(-1)?.replies[0]).toMatchObject({ status: 'closed', text: expect.stringContaining('closed this chat') });
    const { rows } = await t.db.query(`SELECT owner, status FROM conversations WHERE id = 'c3'`);
    expect(rows[0]).toEqual({ owner: 'bot', status: 'ended' });
    expect(await service.claim(h.id, { id: 'U1' })).toMatchObject({ ok: false, code: 'not_allowed', from: 'closed' });
    expect((await getHandoff(t.db, h.id))?.status).toBe('closed');
  });

  it('refuses resident files politely in their language', () => {
    const { service } = makeService(t.db);
    expect(service.fileRefused('ur')).toMatchObject({ type: 'text', locale: 'ur', dir: 'rtl' });
    expect(service.fileRefused('en')).toMatchObject({ text: expect.stringContaining('cannot take files') });
  });
});
