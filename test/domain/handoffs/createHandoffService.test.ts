import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/domain/handoffs/audit.ts';
import type { HandoffRequest } from '../../../src/engine/port.ts';
import { findOpenHandoff, getHandoff } from '../../../src/store/handoffs.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { addInbound, CLOSED_NOW, events, inTurn, makeService, ownerOf, residentSaw, seedConversation } from './handoffFixtures.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.close());

type Service = ReturnType<typeof makeService>['service'];

const request = (service: Service, conversationId: string, over: Partial<HandoffRequest> = {}) =>
  inTurn(t.db, (tx) =>
    service.request({ conversationId, reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: { Programme: 'I Can', Age: '19' }, ...over }, tx),
  );

const relay = (service: Service, conversationId: string, seq: number, text: string, locale = 'en') =>
  inTurn(t.db, (tx) => service.relayResidentMessage({ conversationId, seq, text, locale }, tx));

async function payloads(handoffId: number): Promise<Record<string, unknown>[]> {
  const { rows } = await t.db.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM handoff_outbox WHERE handoff_id = $1 ORDER BY id`, [handoffId]);
  return rows.map((r) => r.payload);
}

describe('handoff request (inside the turn transaction)', () => {
  it('opens a handoff, gives the conversation to a person, and writes the request and its escalation', async () => {
    await seedConversation(t.db, 'c1');
    const { service } = makeService(t.db);
    const { replies } = await request(service, 'c1', { age: '19', partner: 'uhb' });
    expect(replies).toEqual([
      { type: 'handoffStatus', status: 'requested', text: expect.stringContaining('asking an adviser'), locale: 'en', dir: 'ltr' },
      {
        type: 'choices',
        text: 'How would you like an adviser to contact you?',
        choices: [
          { value: 'handoff.contact.chat', label: 'Chat here' },
          { value: 'handoff.contact.phone', label: 'Phone call' },
          { value: 'handoff.contact.email', label: 'Email' },
        ],
        locale: 'en',
        dir: 'ltr',
      },
    ]);
    expect(await ownerOf(t.db, 'c1')).toBe('person');
    const h = await findOpenHandoff(t.db, 'c1');
    expect(h).toMatchObject({ status: 'requested', reason: 'resident_asked', urgency: 'normal', partner: 'uhb', age: '19' });
    // The card shows the facts in the order the flow declared them.
    expect(h?.summary).toEqual([
      ['Programme', 'I Can'],
      ['Age', '19'],
    ]);
    expect(await events(t.db, h!.id)).toEqual(['requested', 'escalation_due']);
  });

  it('a second request while one is open reuses it (nothing new for the advisers)', async () => {
    const { service } = makeService(t.db);
    const { replies } = await request(service, 'c1');
    expect(replies[0]).toMatchObject({ text: expect.stringContaining('already waiting') });
    const { rows } = await t.db.query(`SELECT id FROM handoffs WHERE conversation_id = 'c1'`);
    expect(rows).toHaveLength(1);
    expect(await events(t.db, Number(rows[0]!.id))).toEqual(['requested', 'escalation_due']);
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
    const { rows } = await t.db.query(`SELECT 1 FROM handoff_outbox o JOIN handoffs h ON h.id = o.handoff_id WHERE h.conversation_id = 'c-rollback'`);
    expect(rows).toHaveLength(0);
  });

  it('with no adviser channel, queues in the database, says an adviser will contact them, writes no events', async () => {
    await seedConversation(t.db, 'c-off');
    const { service } = makeService(t.db, { channelConnected: false });
    const { replies } = await request(service, 'c-off');
    expect(replies[0]).toMatchObject({ status: 'queued', text: expect.stringContaining('contact you') });
    const h = await findOpenHandoff(t.db, 'c-off');
    expect(h?.status).toBe('queued');
    expect(await events(t.db, h!.id)).toEqual([]);
  });

  it('out of hours, says when someone will reply and asks how to make contact, in Urdu; a number needs consent before it is kept', async () => {
    await seedConversation(t.db, 'c-ooh', { locale: 'ur' });
    const { service } = makeService(t.db, { now: () => CLOSED_NOW });
    const { replies } = await request(service, 'c-ooh', { locale: 'ur' });
    expect(replies).toHaveLength(3);
    expect(replies.every((r) => r.type !== 'typing' && r.type !== 'adviser' && 'locale' in r && r.locale === 'ur' && r.dir === 'rtl')).toBe(true);
    // Saturday → Monday 20 July 09:00 London.
    expect(replies[1]).toMatchObject({ type: 'handoffStatus', text: expect.stringContaining('09:00') });
    expect(replies[2]).toMatchObject({ type: 'choices', text: 'آپ کس طرح چاہیں گے کہ ایک مشیر آپ سے رابطہ کرے؟' });

    // A number typed straight away is the phone choice, held only for the consent question.
    const asked = await relay(service, 'c-ooh', 2, 'میرا نمبر 07700 900 123 ہے، صبح', 'ur');
    expect(asked.replies).toEqual([expect.objectContaining({ type: 'choices', locale: 'ur', text: expect.stringContaining('07700 900123') })]);
    expect((await findOpenHandoff(t.db, 'c-ooh'))!.contact).toMatchObject({ step: 'consent', method: 'phone', consentAt: null });
    // Consent in Urdu words; answered in the handoff's language (Urdu), whatever the turn said.
    const saved = await relay(service, 'c-ooh', 3, 'جی ہاں', 'en');
    expect(saved.replies).toEqual([expect.objectContaining({ locale: 'ur', text: expect.stringMatching(/07700 900123.*کال کرے گا/) })]);
    expect(saved.replies[0]).toMatchObject({ text: expect.stringContaining('09:00') });
    const h = (await findOpenHandoff(t.db, 'c-ooh'))!;
    expect(h.contact).toMatchObject({ step: 'done', method: 'phone', value: expect.stringContaining('07700 900123'), consentAt: CLOSED_NOW });
    // Answers to the contact questions are not relayed: the advisers get the call-back request.
    expect(await events(t.db, h.id)).toEqual(['requested', 'escalation_due', 'callback']);
    expect((await payloads(h.id))[2]).toMatchObject({ method: 'phone', phone: '07700 900123', preferredTime: expect.stringContaining('صبح') });
    expect((await listAudit(t.db, 'c-ooh')).map((a) => a.action)).toEqual(['callback']);
    // Later messages get a short answer saying when, not the long text again.
    const later = await relay(service, 'c-ooh', 4, 'شکریہ');
    expect(later.replies).toEqual([expect.objectContaining({ type: 'text', locale: 'ur', text: expect.stringMatching(/آگے بھیج دیا.*09:00/) })]);
  });

  it('a wrong number is asked again; "no" to consent keeps nothing and stays with chat', async () => {
    await seedConversation(t.db, 'c-no');
    const { service } = makeService(t.db);
    await request(service, 'c-no');
    expect((await inTurn(t.db, (tx) => service.relayResidentMessage({ conversationId: 'c-no', seq: 2, value: 'handoff.contact.phone', locale: 'en' }, tx))).replies).toEqual([
      expect.objectContaining({ text: expect.stringContaining('What is your phone number?') }),
    ]);
    expect((await relay(service, 'c-no', 3, 'call me on 0123456')).replies).toEqual([expect.objectContaining({ text: expect.stringContaining('does not look right') })]);
    expect((await relay(service, 'c-no', 4, '0121 496 0000')).replies).toEqual([expect.objectContaining({ type: 'choices', text: expect.stringContaining('Can we keep 01214 960000') })]);
    expect((await relay(service, 'c-no', 5, 'No, chat here')).replies).toEqual([expect.objectContaining({ text: expect.stringContaining('We will not use it') })]);
    const h = (await findOpenHandoff(t.db, 'c-no'))!;
    expect(h.contact).toEqual({ step: 'done', method: 'chat', value: null, consentAt: null });
    // The declined number never reached the adviser channel.
    expect(JSON.stringify(await payloads(h.id))).not.toContain('01214');
    expect(await events(t.db, h.id)).toEqual(['requested', 'escalation_due', 'callback']);
    expect(await listAudit(t.db, 'c-no')).toEqual([]);
  });
});

describe('relay in the turn transaction', () => {
  it('a relayed message is one event, written only if the turn commits', async () => {
    await seedConversation(t.db, 'r1');
    const { service } = makeService(t.db);
    await request(service, 'r1');
    const h = (await findOpenHandoff(t.db, 'r1'))!;
    const seq = await addInbound(t.db, 'r1', 'are you there?');
    await expect(
      t.db.transaction(async (tx) => {
        await service.relayResidentMessage({ conversationId: 'r1', seq, text: 'are you there?', locale: 'en' }, tx);
        throw new Error('the turn failed after the relay');
      }),
    ).rejects.toThrow('after the relay');
    expect(await events(t.db, h.id)).toEqual(['requested', 'escalation_due']);
    // Never silence while nobody has claimed it: the first time, the contact choice is offered again.
    expect((await relay(service, 'r1', seq, 'are you there?')).replies).toEqual([expect.objectContaining({ type: 'choices', text: expect.stringContaining('passed this on') })]);
    // A repeated turn (same message) adds nothing.
    await relay(service, 'r1', seq, 'are you there?');
    expect(await events(t.db, h.id)).toEqual(['requested', 'escalation_due', 'message']);
    expect(await payloads(h.id)).toContainEqual({ seq });
  });

  it('with no handoff open, a relay does nothing', async () => {
    await seedConversation(t.db, 'r2');
    const { service } = makeService(t.db);
    expect(await relay(service, 'r2', 1, 'hello')).toEqual({ replies: [] });
  });
});

describe('safeguarding during an open handoff (the engine asks for an urgent handoff)', () => {
  it('upgrades a waiting handoff once: urgent, safeguarding, the resident told the team knows', async () => {
    await seedConversation(t.db, 'sg1');
    const { service } = makeService(t.db);
    await request(service, 'sg1');
    const { replies } = await request(service, 'sg1', { reason: 'safeguarding', urgency: 'urgent' });
    expect(replies).toEqual([expect.objectContaining({ type: 'handoffStatus', text: expect.stringContaining('safeguarding team') })]);
    const h = (await findOpenHandoff(t.db, 'sg1'))!;
    expect(h).toMatchObject({ urgency: 'urgent', reason: 'safeguarding', status: 'requested' });
    await request(service, 'sg1', { reason: 'safeguarding', urgency: 'urgent' });
    expect(await events(t.db, h.id)).toEqual(['requested', 'escalation_due', 'urgent']);
  });

  it('upgrades a claimed handoff without taking it from its adviser', async () => {
    await seedConversation(t.db, 'sg2');
    const { service } = makeService(t.db);
    await request(service, 'sg2');
    const h = (await findOpenHandoff(t.db, 'sg2'))!;
    await service.claim(h.id, { id: 'UAMY', name: 'Amy' });
    const { replies } = await request(service, 'sg2', { reason: 'safeguarding', urgency: 'urgent' });
    expect(replies.map((r) => ('text' in r ? r.text : ''))).toEqual([expect.stringContaining('safeguarding team')]);
    expect(await getHandoff(t.db, h.id)).toMatchObject({ status: 'claimed', adviserId: 'UAMY', urgency: 'urgent', reason: 'safeguarding' });
    expect(await ownerOf(t.db, 'sg2')).toBe('person');
  });
});

describe('the resident leaves a handoff', () => {
  it('"stop" while waiting: closed as left, back to the bot, audited, the advisers told; the summary stays', async () => {
    await seedConversation(t.db, 'l1');
    const { service } = makeService(t.db);
    await request(service, 'l1');
    const h = (await findOpenHandoff(t.db, 'l1'))!;
    await inTurn(t.db, (tx) => service.residentLeft({ conversationId: 'l1', reason: 'stopped', locale: 'en' }, tx));
    expect(await findOpenHandoff(t.db, 'l1')).toBeUndefined();
    expect(await getHandoff(t.db, h.id)).toMatchObject({ status: 'closed', leftReason: 'stopped', erasedAt: null, summary: [['Programme', 'I Can'], ['Age', '19']] });
    expect(await ownerOf(t.db, 'l1')).toBe('bot');
    expect((await listAudit(t.db, 'l1')).map((a) => [a.action, a.adviserId])).toEqual([['resident_left', 'resident']]);
    expect(await events(t.db, h.id)).toEqual(['requested', 'escalation_due', 'resident_left']);
    // Nothing open any more: a second "stop" is a no-op.
    await inTurn(t.db, (tx) => service.residentLeft({ conversationId: 'l1', reason: 'stopped', locale: 'en' }, tx));
    expect(await events(t.db, h.id)).toHaveLength(3);
  });

  it('"delete my data" while claimed: summary, age and call-back number erased in the same transaction', async () => {
    await seedConversation(t.db, 'l2');
    const { service } = makeService(t.db, { now: () => CLOSED_NOW });
    await request(service, 'l2', { age: '17' });
    const h = (await findOpenHandoff(t.db, 'l2'))!;
    await relay(service, 'l2', 2, '07700 900123 after 6pm please');
    await relay(service, 'l2', 3, 'yes');
    expect((await getHandoff(t.db, h.id))!.contact).toMatchObject({ method: 'phone', value: '07700 900123 (after 6pm please)' });
    await service.claim(h.id, { id: 'UAMY' });
    await inTurn(t.db, (tx) => service.residentLeft({ conversationId: 'l2', reason: 'erased', locale: 'en' }, tx));
    expect(await getHandoff(t.db, h.id)).toMatchObject({
      status: 'closed',
      leftReason: 'erased',
      summary: [],
      age: null,
      erasedAt: expect.any(Date),
      contact: { value: null, consentAt: null },
    });
    expect(await ownerOf(t.db, 'l2')).toBe('bot');
    expect(await events(t.db, h.id)).toEqual(['requested', 'escalation_due', 'callback', 'claimed', 'resident_left', 'erased']);
    // Nothing the resident wrote or gave is left in the outbox.
    expect(JSON.stringify(await payloads(h.id))).not.toMatch(/07700|6pm/);
    expect((await payloads(h.id))[2]).toEqual({});
  });

  it('rolls back with the turn', async () => {
    await seedConversation(t.db, 'l3');
    const { service } = makeService(t.db);
    await request(service, 'l3');
    await expect(
      t.db.transaction(async (tx) => {
        await service.residentLeft({ conversationId: 'l3', reason: 'erased', locale: 'en' }, tx);
        throw new Error('turn failed');
      }),
    ).rejects.toThrow('turn failed');
    expect(await findOpenHandoff(t.db, 'l3')).toMatchObject({ status: 'requested', summary: [['Programme', 'I Can'], ['Age', '19']] });
    expect(await ownerOf(t.db, 'l3')).toBe('person');
  });

  it('with no adviser channel: closed and back to the bot, nothing queued', async () => {
    await seedConversation(t.db, 'l4');
    const { service } = makeService(t.db, { channelConnected: false });
    await request(service, 'l4');
    const h = (await findOpenHandoff(t.db, 'l4'))!;
    await inTurn(t.db, (tx) => service.residentLeft({ conversationId: 'l4', reason: 'erased', locale: 'en' }, tx));
    expect(await getHandoff(t.db, h.id)).toMatchObject({ status: 'closed', leftReason: 'erased', summary: [] });
    expect(await ownerOf(t.db, 'l4')).toBe('bot');
    expect(await events(t.db, h.id)).toEqual([]);
  });

  it('erasure also empties handoffs that ended earlier, and tells the advisers to wipe their cards', async () => {
    await seedConversation(t.db, 'l5');
    const { service } = makeService(t.db);
    await request(service, 'l5');
    const first = (await findOpenHandoff(t.db, 'l5'))!;
    await service.close(first.id, { id: 'UAMY' });
    await inTurn(t.db, (tx) => service.eraseConversation('l5', tx));
    expect(await getHandoff(t.db, first.id)).toMatchObject({ status: 'closed', leftReason: null, summary: [], erasedAt: expect.any(Date) });
    expect((await events(t.db, first.id)).at(-1)).toBe('erased');
  });
});

describe('adviser actions', () => {
  it('claim → message → return: the resident sees each line, owner goes back to the bot, all audited', async () => {
    await seedConversation(t.db, 'c2');
    const { service } = makeService(t.db);
    await request(service, 'c2');
    const h = (await findOpenHandoff(t.db, 'c2'))!;

    const notYet = await service.adviserMessage({ handoffId: h.id, adviser: { id: 'U1' }, text: 'hello' });
    expect(notYet.type).toBe('not_claimed');

    const claimed = await service.claim(h.id, { id: 'U1', name: 'Sam' });
    expect(claimed).toMatchObject({ ok: true, handoff: { status: 'claimed', adviserId: 'U1', adviserName: 'Sam' } });
    expect((await residentSaw(t.db, 'c2')).at(-1)).toMatchObject({ type: 'handoffStatus', status: 'claimed', text: expect.stringContaining('Sam') });

    const other = await service.adviserMessage({ handoffId: h.id, adviser: { id: 'U2' }, text: 'me too' });
    expect(other).toMatchObject({ type: 'not_owner', ownerId: 'U1' });
    await service.adviserNote(h.id, { id: 'U2' });
    const msg = await service.adviserMessage({ handoffId: h.id, adviser: { id: 'U1' }, text: 'Hi, I am Sam' });
    expect(msg).toMatchObject({ type: 'relayed', handoff: { status: 'active' } });
    expect((await residentSaw(t.db, 'c2')).at(-1)).toEqual({ type: 'adviser', text: 'Hi, I am Sam', adviserName: 'Sam' });

    expect(await service.returnToBot(h.id, { id: 'U2' })).toMatchObject({ ok: false, code: 'not_owner', ownerId: 'U1' });
    expect(await service.returnToBot(h.id, { id: 'U1' })).toMatchObject({ ok: true, handoff: { status: 'returned' } });
    expect(await ownerOf(t.db, 'c2')).toBe('bot');
    expect((await residentSaw(t.db, 'c2')).at(-1)).toMatchObject({ status: 'returned', text: expect.stringContaining('back with the assistant') });
    expect((await listAudit(t.db, 'c2')).map((a) => [a.action, a.adviserId])).toEqual([
      ['claim', 'U1'],
      ['note', 'U2'],
      ['message', 'U1'],
      ['return', 'U1'],
    ]);
    expect(await events(t.db, h.id)).toEqual(['requested', 'escalation_due', 'claimed', 'adviser_replied', 'returned']);
    const ended = await service.adviserMessage({ handoffId: h.id, adviser: { id: 'U1' }, text: 'still there?' });
    expect(ended.type).toBe('ended');
  });

  it('an adviser writing after the resident left is told so, and nothing reaches the resident', async () => {
    await seedConversation(t.db, 'c4');
    const { service } = makeService(t.db);
    await request(service, 'c4');
    const h = (await findOpenHandoff(t.db, 'c4'))!;
    await service.claim(h.id, { id: 'U1' });
    await inTurn(t.db, (tx) => service.residentLeft({ conversationId: 'c4', reason: 'restarted', locale: 'en' }, tx));
    const before = await residentSaw(t.db, 'c4');
    expect(await service.adviserMessage({ handoffId: h.id, adviser: { id: 'U1' }, text: 'hello?' })).toMatchObject({ type: 'resident_left' });
    expect(await residentSaw(t.db, 'c4')).toEqual(before);
    expect(await service.viewTranscript(h.id, { id: 'U1' })).toMatchObject({ type: 'resident_left' });
  });

  it('release puts it back in the queue; close ends the conversation with a closing line', async () => {
    await seedConversation(t.db, 'c3');
    const { service } = makeService(t.db);
    await request(service, 'c3');
    const h = (await findOpenHandoff(t.db, 'c3'))!;
    await service.claim(h.id, { id: 'U1' });
    expect(await service.release(h.id, { id: 'U1' })).toMatchObject({ ok: true, handoff: { status: 'queued', adviserId: null } });
    expect(await service.claim(h.id, { id: 'U3' })).toMatchObject({ ok: true, handoff: { adviserId: 'U3' } });
    expect(await service.close(h.id, { id: 'U3' })).toMatchObject({ ok: true, handoff: { status: 'closed' } });
    expect((await residentSaw(t.db, 'c3')).at(-1)).toMatchObject({ status: 'closed', text: expect.stringContaining('closed this chat') });
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
