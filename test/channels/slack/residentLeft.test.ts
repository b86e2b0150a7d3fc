/**
 * Privacy during a handoff, as an adviser sees it in Slack: the resident stops, starts again
 * or asks for their data to be deleted while waiting or while claimed. Real Bolt receiver,
 * Slack Web API through nock.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HandoffLeaveReason } from '../../../src/engine/port.ts';
import { findOpenHandoff } from '../../../src/store/handoffs.ts';
import { findSlackCard } from '../../../src/store/slackCards.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { addInbound, inTurn, ownerOf, residentSaw, seedConversation } from '../../domain/handoffs/handoffFixtures.ts';
import { CHANNEL, type Harness, slackStandIn, startHarness, until } from './slackHarness.ts';

let t: TestDb;
let h: Harness;
let api: ReturnType<typeof slackStandIn>;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.close());
beforeEach(async () => {
  api = slackStandIn();
  h = await startHarness(t.db, { safeguardingGroupId: 'SSAFE' });
});
afterEach(async () => {
  await h.close();
  api.done();
});

const SUMMARY = { Programme: 'I Can', 'Job family': 'Catering', Postcode: 'B15 2TT' };

/** A resident asks for a person; the card reaches Slack. */
async function openCard(conversationId: string): Promise<{ id: number; ts: string }> {
  await seedConversation(t.db, conversationId, { inbound: ['My name is Jo Bloggs and I need help'] });
  await inTurn(t.db, (tx) => h.service.request({ conversationId, reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: SUMMARY }, tx));
  await h.slack.worker.drain();
  const handoff = (await findOpenHandoff(t.db, conversationId))!;
  return { id: handoff.id, ts: (await findSlackCard(t.db, handoff.id))!.ts };
}

/** What the engine does with a message while a person owns the conversation. */
async function residentWrites(conversationId: string, text: string): Promise<void> {
  const seq = await addInbound(t.db, conversationId, text);
  await inTurn(t.db, (tx) => h.service.relayResidentMessage({ conversationId, seq, text, locale: 'en' }, tx));
}

const leaves = (conversationId: string, reason: HandoffLeaveReason) =>
  inTurn(t.db, (tx) => h.service.residentLeft({ conversationId, reason, locale: 'en' }, tx));

const cardNow = (ts: string) => api.of('chat.update').filter((u) => u.ts === ts).at(-1);
const threadPosts = (ts: string) => api.of('chat.postMessage').filter((p) => p.thread_ts === ts);

function expectNothingPersonal(update: Record<string, string> | undefined) {
  const shown = JSON.stringify(update);
  for (const personal of ['I Can', 'Catering', 'B15 2TT', 'Jo Bloggs', 'Postcode']) expect(shown).not.toContain(personal);
  expect(shown).not.toContain('handoff_claim');
  expect(shown).not.toContain('handoff_view');
}

describe('the resident leaves while waiting (Slack on)', () => {
  it('"stop": the card says the resident left, without summary or transcript; nothing more is relayed', async () => {
    const { ts } = await openCard('w1');
    // Written before "stop" but not yet posted when they leave.
    await residentWrites('w1', 'actually, my number is 07700 900123');
    await leaves('w1', 'stopped');
    // After leaving, the conversation is the bot's: a relay finds no handoff.
    await residentWrites('w1', 'are you still there?');
    await h.slack.worker.drain();

    const update = cardNow(ts);
    expect(update?.channel).toBe(CHANNEL);
    expect(update?.blocks).toContain('the resident left');
    expect(update?.blocks).toContain('they stopped the chat');
    expectNothingPersonal(update);
    expect(threadPosts(ts)).toEqual([]);
    expect(await ownerOf(t.db, 'w1')).toBe('bot');
    expect(await findOpenHandoff(t.db, 'w1')).toBeUndefined();
    // Nothing was posted that needs deleting.
    expect(api.of('chat.delete')).toEqual([]);
  });

  it('a resident who leaves before the card was posted never reaches Slack', async () => {
    await seedConversation(t.db, 'w2');
    await inTurn(t.db, (tx) => h.service.request({ conversationId: 'w2', reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: SUMMARY }, tx));
    await leaves('w2', 'erased');
    await h.slack.worker.drain();
    expect(api.of('chat.postMessage')).toEqual([]);
    expect(api.of('chat.update')).toEqual([]);
  });
});

describe('the resident leaves a claimed handoff (Slack on)', () => {
  it('"delete my data": card wiped in place, relayed messages deleted from the thread, the adviser told their reply was not sent', async () => {
    const { id, ts } = await openCard('c1');
    await h.service.claim(id, { id: 'UAMY', name: 'Amy' });
    await residentWrites('c1', 'I live at 1 High Street');
    await residentWrites('c1', '<!here> my NI number is QQ123456C');
    await h.slack.worker.drain();
    const relayed = threadPosts(ts).filter((p) => p.text?.startsWith('Resident:'));
    expect(relayed).toHaveLength(2);
    const relayTs = await until(async () => {
      const { rows } = await t.db.query<{ ts: string }>(`SELECT ts FROM slack_posts WHERE handoff_id = $1 ORDER BY ts`, [id]);
      return rows.length === 2 ? rows.map((r) => r.ts) : undefined;
    }, 'relay timestamps recorded');

    await leaves('c1', 'erased');
    await h.slack.worker.drain();

    const update = cardNow(ts);
    expect(update?.blocks).toContain('they asked for their data to be deleted');
    expect(update?.blocks).toContain('The summary, transcript and relayed messages have been removed');
    expectNothingPersonal(update);
    expect(JSON.stringify(update)).not.toMatch(/High Street|QQ123456C/);
    expect(api.of('chat.delete')).toEqual(expect.arrayContaining(relayTs.map((r) => expect.objectContaining({ channel: CHANNEL, ts: r }))));
    expect(api.of('chat.delete')).toHaveLength(2);
    expect(threadPosts(ts).filter((p) => p.text?.startsWith('Resident:'))).toHaveLength(2);

    // Amy replies in the thread: nothing reaches the resident, and she is told why.
    const before = await residentSaw(t.db, 'c1');
    await h.event({ type: 'message', channel: CHANNEL, user: 'UAMY', text: 'Are you still there?', ts: '9.1', thread_ts: ts }, 'EvLeft1');
    const eph = await until(async () => api.of('chat.postEphemeral')[0], 'ephemeral');
    expect(eph).toMatchObject({ user: 'UAMY', thread_ts: ts, text: 'Not sent: the resident has left this chat.' });
    expect(await residentSaw(t.db, 'c1')).toEqual(before);
  });

  it('"start again": the card says so; the adviser can no longer open the transcript', async () => {
    const { id, ts } = await openCard('c2');
    await h.service.claim(id, { id: 'UAMY' });
    await leaves('c2', 'restarted');
    await h.slack.worker.drain();
    const update = cardNow(ts);
    expect(update?.blocks).toContain('they started again with the assistant');
    expectNothingPersonal(update);

    await h.action({
      user: { id: 'UAMY' },
      channel: { id: CHANNEL },
      actions: [{ type: 'button', action_id: 'handoff_view', value: String(id), action_ts: String(Date.now() / 1000) }],
    });
    const eph = await until(async () => api.of('chat.postEphemeral')[0], 'ephemeral');
    expect(eph?.text).toContain('no longer shown');
    expect(eph?.text).not.toContain('Jo Bloggs');
  });
});

describe('erasure after the handoff ended, and retention', () => {
  it('a conversation deleted by retention: its old card is wiped and its relays deleted, though the rows are gone', async () => {
    const { id, ts } = await openCard('r1');
    await h.service.claim(id, { id: 'UAMY' });
    await residentWrites('r1', 'my email is jo@example.org');
    await h.slack.worker.drain();
    await h.service.returnToBot(id, { id: 'UAMY' });
    await h.slack.worker.drain();
    // What retention does: the erasers, then the conversation row (handoffs go with it).
    await inTurn(t.db, async (tx) => {
      await h.service.eraseConversation('r1', tx);
      await tx.query(`DELETE FROM conversations WHERE id = 'r1'`);
    });
    await h.slack.worker.drain();
    const update = cardNow(ts);
    expect(update?.blocks).toContain('data deleted');
    expectNothingPersonal(update);
    expect(JSON.stringify(update)).not.toContain('jo@example.org');
    expect(api.of('chat.delete')).toHaveLength(1);
  });
});

describe('safeguarding during an open handoff (Slack on)', () => {
  it('the engine’s urgent request upgrades the claimed handoff: card redrawn urgent, safeguarding group mentioned once', async () => {
    const { id, ts } = await openCard('s1');
    await h.service.claim(id, { id: 'UAMY' });
    await h.slack.worker.drain();
    for (let i = 0; i < 2; i++) {
      await inTurn(t.db, (tx) => h.service.request({ conversationId: 's1', reason: 'safeguarding', urgency: 'urgent', locale: 'en', summary: SUMMARY, age: '16' }, tx));
    }
    await h.slack.worker.drain();
    const update = cardNow(ts);
    expect(update?.blocks).toContain('Urgent handoff');
    expect(update?.blocks).toContain('Claimed by <@UAMY>');
    expect(update?.blocks).toContain('*Under 18:* follow the child-safeguarding procedure.');
    expect(update?.blocks).toContain('{"type":"plain_text","text":"Age given: 16","emoji":false}');
    const mentions = threadPosts(ts).filter((p) => p.text?.includes('<!subteam^SSAFE>'));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toMatchObject({ reply_broadcast: 'true', text: expect.stringContaining('URGENT (safeguarding)') });
  });
});
