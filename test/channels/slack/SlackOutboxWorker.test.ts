import nock from 'nock';
import client from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findOpenHandoff, getHandoff } from '../../../src/store/handoffs.ts';
import { findSlackCard } from '../../../src/store/slackCards.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { OPEN_NOW, seedConversation } from '../../domain/handoffs/handoffFixtures.ts';
import { CHANNEL, type Harness, SLACK, slackStandIn, startHarness } from './slackHarness.ts';

let t: TestDb;
let h: Harness;
let api: ReturnType<typeof slackStandIn>;
let clock = OPEN_NOW;
const advance = (minutes: number) => {
  clock = new Date(clock.getTime() + minutes * 60_000);
};

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.close());
beforeEach(async () => {
  clock = OPEN_NOW;
  api = slackStandIn();
  h = await startHarness(t.db, { now: () => clock, dutyGroupId: 'SDUTY', safeguardingGroupId: 'SSAFE' });
});
afterEach(async () => {
  await h.close();
  api.done();
});

const mentions = () => api.of('chat.postMessage').filter((p) => p.text?.includes('<!subteam^SDUTY>'));

async function request(conversationId: string, urgency: 'normal' | 'urgent' = 'normal') {
  await seedConversation(t.db, conversationId);
  await t.db.transaction((tx) =>
    h.service.request({ conversationId, reason: urgency === 'urgent' ? 'safeguarding' : 'resident_asked', urgency, locale: 'en', summary: {} }, tx),
  );
  return (await findOpenHandoff(t.db, conversationId))!;
}

describe('escalation', () => {
  it('re-posts an unclaimed handoff once, mentioning the duty group, after N minutes', async () => {
    const handoff = await request('e1');
    await h.slack.worker.drain();
    advance(14);
    await h.slack.worker.drain();
    expect(mentions()).toHaveLength(0);
    advance(2);
    await h.slack.worker.drain();
    advance(60);
    await h.slack.worker.drain();
    await h.slack.worker.kick();
    expect(mentions()).toHaveLength(1);
    expect(mentions()[0]).toMatchObject({ thread_ts: (await findSlackCard(t.db, handoff.id))!.ts, reply_broadcast: 'true' });
  });

  it('does not fire for a handoff claimed in time', async () => {
    const handoff = await request('e2');
    await h.slack.worker.drain();
    advance(5);
    await h.service.claim(handoff.id, { id: 'UAMY' });
    advance(20);
    await h.slack.worker.drain();
    expect(api.of('chat.postMessage').filter((p) => p.text?.includes('SDUTY'))).toHaveLength(0);
    const { rows } = await t.db.query(`SELECT status FROM handoff_outbox WHERE handoff_id = $1 AND type = 'escalation_due'`, [handoff.id]);
    expect(rows).toEqual([{ status: 'skipped' }]);
  });

  it('an urgent card mentions the safeguarding group at once, at any hour', async () => {
    clock = new Date('2026-07-19T02:00:00Z'); // Sunday, 3am in London
    await request('e3', 'urgent');
    await h.slack.worker.drain();
    const [card] = api.of('chat.postMessage');
    expect(card!.text).toMatch(/^<!subteam\^SSAFE> URGENT: Safeguarding/);
    expect(card!.blocks).toContain('Urgent handoff');
    expect(card!.blocks).toContain('Age not known');
  });
});

describe('Slack switched on later', () => {
  it('posts cards (once) for handoffs queued while Slack was off, with their escalation', async () => {
    await seedConversation(t.db, 'late1');
    const { makeService } = await import('../../domain/handoffs/handoffFixtures.ts');
    const { service: offline } = makeService(t.db, { channelConnected: false, now: () => clock });
    await t.db.transaction((tx) => offline.request({ conversationId: 'late1', reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: {} }, tx));
    await h.slack.worker.start();
    await h.slack.worker.kick();
    await h.slack.worker.stop();
    await h.slack.worker.start();
    await h.slack.worker.kick();
    const handoff = (await findOpenHandoff(t.db, 'late1'))!;
    expect(await findSlackCard(t.db, handoff.id)).toBeTruthy();
    expect(api.of('chat.postMessage').filter((p) => p.text?.includes('late1'))).toHaveLength(1);
    const { rows } = await t.db.query<{ type: string }>(`SELECT type FROM handoff_outbox WHERE handoff_id = $1 ORDER BY id`, [handoff.id]);
    expect(rows.map((r) => r.type)).toEqual(['requested', 'escalation_due']);
  });
});

describe('idempotent posting', () => {
  it('a post interrupted mid-flight is found in Slack by its key and not sent again', async () => {
    const handoff = await request('i1');
    // As if a process died after Slack accepted the card but before we recorded it.
    await t.db.query(`UPDATE handoff_outbox SET status = 'sending', locked_at = $2 WHERE handoff_id = $1 AND type = 'requested'`, [handoff.id, clock]);
    api.history.push(
      { ts: '1699999999.000100', metadata: { event_type: 'anchorline_outbox', event_payload: { key: 'card:999999' } } },
      { ts: '1699999999.000200', metadata: { event_type: 'anchorline_outbox', event_payload: { key: `card:${handoff.id}` } } },
    );
    advance(2);
    await h.slack.worker.kick();
    expect(api.of('conversations.history')).toMatchObject([{ channel: CHANNEL, include_all_metadata: 'true' }]);
    expect(api.of('chat.postMessage')).toHaveLength(0);
    expect(await findSlackCard(t.db, handoff.id)).toMatchObject({ ts: '1699999999.000200', channel: CHANNEL });
    expect((await getHandoff(t.db, handoff.id))?.status).toBe('queued');
  });

  it('a post interrupted before Slack saw it is sent once after the check', async () => {
    const handoff = await request('i2');
    await t.db.query(`UPDATE handoff_outbox SET status = 'sending', locked_at = $2 WHERE handoff_id = $1 AND type = 'requested'`, [handoff.id, clock]);
    advance(2);
    await h.slack.worker.kick();
    expect(api.of('conversations.history')).toHaveLength(1);
    expect(api.of('chat.postMessage')).toHaveLength(1);
    expect((await getHandoff(t.db, handoff.id))?.status).toBe('queued');
  });

  it('a network failure during chat.postMessage is not retried blindly', async () => {
    const handoff = await request('i3');
    // Replace the stand-in with one that fails like a proxy timing out after Slack may have posted.
    api.done();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    let posts = 0;
    nock(SLACK)
      .post('/api/chat.postMessage')
      .reply(() => {
        posts++;
        return [502, 'bad gateway'];
      });
    await h.slack.worker.drain();
    await h.slack.worker.drain();
    expect(posts).toBe(1);
    const { rows } = await t.db.query(`SELECT status FROM handoff_outbox WHERE handoff_id = $1 AND type = 'requested'`, [handoff.id]);
    expect(rows).toEqual([{ status: 'sending' }]);
    api = slackStandIn();
  });
});

describe('metrics', () => {
  it('exports time-to-claim and queue length on the default registry', async () => {
    const handoff = await request('m1');
    await h.slack.worker.drain();
    const queued = await client.register.getSingleMetricAsString('anchorline_handoff_queue_length');
    const n = Number(/anchorline_handoff_queue_length (\d+)/.exec(queued)?.[1]);
    expect(n).toBeGreaterThanOrEqual(1);
    advance(3);
    await h.service.claim(handoff.id, { id: 'UAMY' });
    const after = await client.register.getSingleMetricAsString('anchorline_handoff_queue_length');
    expect(Number(/anchorline_handoff_queue_length (\d+)/.exec(after)?.[1])).toBe(n - 1);
    const hist = await client.register.getSingleMetricAsString('anchorline_handoff_time_to_claim_seconds');
    expect(hist).toMatch(/anchorline_handoff_time_to_claim_seconds_bucket\{le="300",urgency="normal"\} [1-9]/);
    expect(hist).toMatch(/anchorline_handoff_time_to_claim_seconds_bucket\{le="120",urgency="normal"\} 0/);
  });
});
