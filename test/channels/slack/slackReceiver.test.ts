import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/domain/handoffs/audit.ts';
import { findOpenHandoff, getHandoff } from '../../../src/store/handoffs.ts';
import { findSlackCard } from '../../../src/store/slackCards.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { addInbound, inTurn, residentSaw, seedConversation } from '../../domain/handoffs/handoffFixtures.ts';
import { CHANNEL, type Harness, sign, slackStandIn, startHarness, until } from './slackHarness.ts';

let t: TestDb;
let h: Harness;
let api: ReturnType<typeof slackStandIn>;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.close());
beforeEach(async () => {
  api = slackStandIn();
  h = await startHarness(t.db);
});
afterEach(async () => {
  await h.close();
  api.done();
});

async function openCard(conversationId: string, inbound = ['hello']): Promise<{ id: number; ts: string }> {
  await seedConversation(t.db, conversationId, { inbound });
  await inTurn(t.db, (tx) =>
    h.service.request(
      { conversationId, reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: { Programme: 'I Can', Eligibility: 'eligible', 'Age band': '19-24', 'Job family': '<!here> admin', Turns: 4 } },
      tx,
    ),
  );
  await h.slack.worker.drain();
  const handoff = (await findOpenHandoff(t.db, conversationId))!;
  return { id: handoff.id, ts: (await findSlackCard(t.db, handoff.id))!.ts };
}

const claimPayload = (id: number, user: string, ts: string) => ({
  user: { id: user, username: user.toLowerCase(), name: `Adviser ${user}` },
  channel: { id: CHANNEL },
  container: { type: 'message', message_ts: ts, channel_id: CHANNEL },
  message: { ts },
  trigger_id: 't1',
  response_url: 'http://slack.test/actions/1',
  actions: [{ type: 'button', action_id: 'handoff_claim', block_id: `handoff_${id}`, value: String(id), action_ts: String(Date.now() / 1000) }],
});

describe('Slack request verification (real Bolt ExpressReceiver)', () => {
  it('refuses a forged signature with 401 and runs nothing', async () => {
    const body = JSON.stringify({ type: 'event_callback', event_id: 'EvForged', event: { type: 'app_home_opened', user: 'U1', tab: 'home' } });
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(body, undefined, 'not-the-secret-at-all') }, body });
    expect(res.status).toBe(401);
    const { rows } = await t.db.query(`SELECT 1 FROM slack_events_seen WHERE event_id = 'EvForged'`);
    expect(rows).toHaveLength(0);
  });

  it('refuses a correctly signed request with a stale timestamp (replay)', async () => {
    const body = JSON.stringify({ type: 'event_callback', event_id: 'EvStale', event: { type: 'app_home_opened', user: 'U1', tab: 'home' } });
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(body, tenMinutesAgo) }, body });
    expect(res.status).toBe(401);
    expect(api.of('views.publish')).toHaveLength(0);
  });

  it('answers the URL verification challenge', async () => {
    const res = await h.post(JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'abc123' });
  });
});

describe('handoff card and buttons', () => {
  it('posts the card with facts, escaped transcript and buttons, unfurling off, with our idempotency key', async () => {
    const { id, ts } = await openCard('s1', ['<!channel> help *now*']);
    const [card] = api.of('chat.postMessage');
    expect(card).toMatchObject({ channel: CHANNEL, unfurl_links: 'false', unfurl_media: 'false', parse: 'none' });
    expect(JSON.parse(card!.metadata!)).toEqual({ event_type: 'anchorline_outbox', event_payload: { key: `card:${id}` } });
    const blocks = JSON.stringify(JSON.parse(card!.blocks!));
    expect(blocks).toContain('I Can');
    // Summary values are the resident's: plain_text fields, never mrkdwn.
    expect(blocks).toContain('{"type":"plain_text","text":"Age band: 19-24","emoji":false}');
    expect(blocks).toContain('{"type":"plain_text","text":"Job family: &lt;!here&gt; admin","emoji":false}');
    expect(blocks).toContain('{"type":"plain_text","text":"Turns: 4","emoji":false}');
    expect(blocks).not.toContain('<!here>');
    expect(blocks).toContain('[{"type":"mrkdwn","text":"*Resident:*"},{"type":"plain_text","text":"&lt;!channel&gt; help *now*","emoji":false}]');
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).toContain('handoff_claim');
    expect(blocks).toContain('handoff_return');
    expect(blocks).toContain('handoff_close');
    expect(blocks).toContain('sent to the resident');
    expect(await getHandoff(t.db, id)).toMatchObject({ status: 'queued' });
    expect(await findSlackCard(t.db, id)).toEqual({ handoffId: id, channel: CHANNEL, ts });
    // Draining again posts nothing more: the card row is done.
    await h.slack.worker.drain();
    expect(api.of('chat.postMessage')).toHaveLength(1);
  });

  it('Claim (form-encoded block_actions) is acknowledged, claims, updates the card in place; the loser is told who has it', async () => {
    const { id, ts } = await openCard('s2');
    api.users.UAMY = { display_name: '', real_name: 'Amy Adeyemi' };
    const res = await h.action(claimPayload(id, 'UAMY', ts));
    expect(res.status).toBe(200);
    await until(async () => (await getHandoff(t.db, id))?.status === 'claimed', 'claim');
    // The resident is told the adviser's Slack name (users.info), never the handle in the payload.
    expect((await residentSaw(t.db, 's2')).at(-1)).toMatchObject({ type: 'handoffStatus', status: 'claimed', text: 'Amy Adeyemi is an adviser. They are here to help you now. You can write to them.' });
    expect(api.of('users.info')).toEqual([expect.objectContaining({ user: 'UAMY' })]);

    await h.slack.worker.drain();
    const update = api.of('chat.update').at(-1)!;
    expect(update).toMatchObject({ channel: CHANNEL, ts });
    expect(update.blocks).toContain('Claimed by <@UAMY>');
    expect(update.blocks).toContain('handoff_release');
    expect(update.blocks).not.toContain('handoff_claim');

    await h.action(claimPayload(id, 'UBEN', ts));
    const eph = await until(async () => api.of('chat.postEphemeral')[0], 'ephemeral to the loser');
    expect(eph).toMatchObject({ channel: CHANNEL, user: 'UBEN', text: '<@UAMY> has already claimed this handoff.' });
    expect((await getHandoff(t.db, id))?.adviserId).toBe('UAMY');
    expect((await getHandoff(t.db, id))?.adviserName).toBe('Amy Adeyemi');
  });

  it('an adviser Slack gives no name for is "an adviser" to the resident, never their handle', async () => {
    const { id, ts } = await openCard('s2-noname');
    await h.action(claimPayload(id, 'UNONAME', ts));
    await until(async () => (await getHandoff(t.db, id))?.status === 'claimed', 'claim');
    const said = (await residentSaw(t.db, 's2-noname')).at(-1);
    expect(said).toMatchObject({ type: 'handoffStatus', status: 'claimed', text: 'An adviser is here to help you now. You can write to them.' });
    expect(JSON.stringify(said)).not.toMatch(/unoname|UNONAME/i);
  });
});

describe('thread relay and retries', () => {
  it('relays an owner’s thread reply once even when Slack retries the event; notes stay internal', async () => {
    const { id, ts } = await openCard('s3');
    await h.service.claim(id, { id: 'UAMY', name: 'Amy' });
    const reply = (text: string, evTs: string) => ({ type: 'message', channel: CHANNEL, user: 'UAMY', text, ts: evTs, thread_ts: ts, channel_type: 'channel' });

    expect((await h.event(reply('Hi, I can help &amp; explain <https://nhs.uk|this page>', '2.1'), 'Ev1')).status).toBe(200);
    const relayed = async () => (await residentSaw(t.db, 's3')).filter((r) => r.type === 'adviser');
    await until(async () => (await relayed()).length > 0, 'relay');
    // Slack's retry of the same event (we were slow): acknowledged, not acted on.
    expect((await h.event(reply('Hi, I can help &amp; explain <https://nhs.uk|this page>', '2.1'), 'Ev1', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    await h.event(reply('note: sounds anxious, go slowly', '2.2'), 'Ev2');
    // Bolt acknowledges before it handles an event, so two events sent back to back may be handled
    // in either order: wait for the note before the next message, as an adviser typing would.
    await until(async () => (await listAudit(t.db, 's3')).some((a) => a.action === 'note'), 'note audited');
    await h.event(reply('Are you free on Monday?', '2.3'), 'Ev3');
    await until(async () => (await relayed()).length >= 2, 'second relay');

    expect(await relayed()).toEqual([
      { type: 'adviser', text: 'Hi, I can help & explain this page (https://nhs.uk)', adviserName: 'Amy' },
      { type: 'adviser', text: 'Are you free on Monday?', adviserName: 'Amy' },
    ]);
    expect((await listAudit(t.db, 's3')).map((a) => a.action)).toEqual(['claim', 'message', 'note', 'message']);
    expect((await getHandoff(t.db, id))?.status).toBe('active');
  });

  it('tells a non-owner their reply was not sent, and refuses adviser files', async () => {
    const { id, ts } = await openCard('s4');
    await h.service.claim(id, { id: 'UAMY' });
    await h.event({ type: 'message', channel: CHANNEL, user: 'UBEN', text: 'hello from Ben', ts: '3.1', thread_ts: ts }, 'Ev4');
    const eph = await until(async () => api.of('chat.postEphemeral')[0], 'ephemeral');
    expect(eph).toMatchObject({ user: 'UBEN', thread_ts: ts, text: expect.stringContaining('<@UAMY> has this handoff') });
    await h.event({ type: 'message', subtype: 'file_share', channel: CHANNEL, user: 'UAMY', text: '', ts: '3.2', thread_ts: ts, files: [{ id: 'F1' }] }, 'Ev5');
    const files = await until(async () => api.of('chat.postEphemeral')[1], 'file refusal');
    expect(files).toMatchObject({ user: 'UAMY', text: expect.stringContaining('Files are not sent') });
    expect((await residentSaw(t.db, 's4')).filter((r) => r.type === 'adviser')).toEqual([]);
  });

  it('relays resident messages into the card thread, escaped, unfurling off', async () => {
    const { ts } = await openCard('s5');
    const seq = await addInbound(t.db, 's5', 'Is <@U123> there? & <!here>');
    // The same turn twice (a channel retry): relayed once.
    for (let i = 0; i < 2; i++) await inTurn(t.db, (tx) => h.service.relayResidentMessage({ conversationId: 's5', seq, text: 'Is <@U123> there? & <!here>', locale: 'en' }, tx));
    await h.slack.worker.drain();
    const relays = api.of('chat.postMessage').filter((p) => p.thread_ts === ts);
    expect(relays).toHaveLength(1);
    expect(relays[0]).toMatchObject({ text: 'Resident: Is &lt;@U123&gt; there? &amp; &lt;!here&gt;', unfurl_links: 'false', unfurl_media: 'false', mrkdwn: 'false' });
  });
});

describe('slash command and App Home', () => {
  it('/anchorline queue lists open handoffs ephemerally via response_url, with call-back requests marked', async () => {
    await openCard('s6');
    await openCard('s6-call');
    // The second resident asks for a phone call and agrees we use their number.
    for (const [seq, text] of [[2, '07700 900123'], [3, 'yes']] as const) {
      await inTurn(t.db, (tx) => h.service.relayResidentMessage({ conversationId: 's6-call', seq, text, locale: 'en' }, tx));
    }
    const responses: unknown[] = [];
    const nock = (await import('nock')).default;
    nock('http://slack.test')
      .post('/commands/1', (b) => {
        responses.push(b);
        return true;
      })
      .reply(200, { ok: true });
    const body = new URLSearchParams({
      command: '/anchorline',
      text: 'queue',
      user_id: 'UAMY',
      channel_id: CHANNEL,
      team_id: 'T1',
      response_url: 'http://slack.test/commands/1',
      trigger_id: 't',
      api_app_id: 'A1',
    }).toString();
    const res = await h.post(body, { contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    await until(async () => responses.length > 0, 'respond');
    expect(responses[0]).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^Open handoffs: \d+$/) });
    const shown = JSON.stringify(responses[0]);
    expect(shown).toContain('unclaimed');
    expect(shown).toContain('contact: not chosen yet');
    expect(shown).toContain(':telephone_receiver: *phone call requested*');
    // The queue carries no number and no message text.
    expect(shown).not.toContain('07700');
  });

  it('App Home shows the adviser’s own claimed handoffs', async () => {
    const { id } = await openCard('s7');
    await h.service.claim(id, { id: 'UHOME' });
    await h.event({ type: 'app_home_opened', user: 'UHOME', channel: 'D1', tab: 'home' }, 'EvHome');
    const pub = await until(async () => api.of('views.publish')[0], 'views.publish');
    expect(pub.user_id).toBe('UHOME');
    expect(pub.view).toContain(`#${id}`);
    expect(pub.view).toContain('claimed');
  });
});
