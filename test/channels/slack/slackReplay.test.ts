/**
 * Replays and stale presses through the real Bolt ExpressReceiver with signed requests: a request
 * stamped more than five minutes from now (either way) is refused before Bolt acts; a button press
 * older than five minutes is ignored; a press made on a card the handoff has moved on from (a
 * captured Claim replayed after the handoff was released) changes nothing.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/domain/handoffs/audit.ts';
import { findOpenHandoff, getHandoff } from '../../../src/store/handoffs.ts';
import { findSlackCard } from '../../../src/store/slackCards.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { inTurn, seedConversation } from '../../domain/handoffs/handoffFixtures.ts';
import { CHANNEL, type Harness, sign, slackStandIn, startHarness, until } from './slackHarness.ts';

let t: TestDb;
let h: Harness;
let api: ReturnType<typeof slackStandIn>;
/** The wall clock the Slack channel checks timestamps against; tests move it forward. */
let clock = Date.now();

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.close());
beforeEach(async () => {
  clock = Date.now();
  api = slackStandIn();
  h = await startHarness(t.db, { clockMs: () => clock });
});
afterEach(async () => {
  await h.close();
  api.done();
});

async function openCard(conversationId: string): Promise<{ id: number; ts: string }> {
  await seedConversation(t.db, conversationId, { inbound: ['hello'] });
  await inTurn(t.db, (tx) => h.service.request({ conversationId, reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: {} }, tx));
  await h.slack.worker.drain();
  const handoff = (await findOpenHandoff(t.db, conversationId))!;
  return { id: handoff.id, ts: (await findSlackCard(t.db, handoff.id))!.ts };
}

type Element = { type?: string; action_id?: string; value?: string };
/** The value of a button on the card as Slack shows it now (the last post or update of that message). */
function buttonOnCard(ts: string, actionId: string): string | undefined {
  // The card is the thread root (no thread_ts); its ts is the one the stand-in answered, kept in slack_cards.
  const posted: Record<string, string>[] = api.of('chat.postMessage').filter((p) => !p.thread_ts).map((p) => ({ ...p, ts }));
  const drawn = [...posted, ...api.of('chat.update')].filter((p) => p.ts === ts && p.blocks);
  const blocks = JSON.parse(drawn.at(-1)!.blocks!) as Array<{ type: string; elements?: Element[] }>;
  return blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : [])).find((e) => e.action_id === actionId)?.value;
}

interface Captured {
  body: string;
  headers: Record<string, string>;
}
/** A button press exactly as Slack would send it: signed with `requestSec`, pressed at `pressMs`. */
function press(actionId: string, value: string, user: string, ts: string, o: { requestSec?: number; pressMs?: number } = {}): Captured {
  const payload = {
    type: 'block_actions',
    team: { id: 'T1' },
    api_app_id: 'A1',
    user: { id: user, username: user.toLowerCase(), name: user },
    channel: { id: CHANNEL },
    container: { type: 'message', message_ts: ts, channel_id: CHANNEL },
    message: { ts },
    actions: [{ type: 'button', action_id: actionId, value, action_ts: ((o.pressMs ?? clock) / 1000).toFixed(6) }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return { body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body, o.requestSec ?? Math.floor(clock / 1000)) } };
}
const send = (c: Captured) => fetch(h.url, { method: 'POST', headers: c.headers, body: c.body });

/** Lets Bolt finish what it does after acknowledging (it acks first, then runs the handler). */
async function settled(): Promise<void> {
  await new Promise((r) => setTimeout(r, 150));
}

describe('a captured Claim replayed later', () => {
  it('leaves a released handoff released: refused outside the window, ignored inside it as out of date', async () => {
    const { id, ts } = await openCard('replay-1');
    const claimValue = buttonOnCard(ts, 'handoff_claim')!;
    expect(claimValue).toMatch(new RegExp(`^${id}\\.\\d+$`));

    // Amy claims; someone captures the request on the way.
    const captured = press('handoff_claim', claimValue, 'UAMY', ts);
    expect((await send(captured)).status).toBe(200);
    await until(async () => (await getHandoff(t.db, id))?.status === 'claimed', 'claim');
    await h.slack.worker.drain();

    // Amy releases it from the redrawn card.
    expect((await send(press('handoff_release', buttonOnCard(ts, 'handoff_release')!, 'UAMY', ts))).status).toBe(200);
    await until(async () => (await getHandoff(t.db, id))?.status === 'queued', 'release');
    await h.slack.worker.drain();
    // The card offers Claim again, under a new version.
    expect(buttonOnCard(ts, 'handoff_claim')).not.toBe(claimValue);

    // Replayed a minute later, still within Slack's window: acknowledged, but nothing changes.
    clock += 60_000;
    expect((await send(captured)).status).toBe(200);
    const told = await until(async () => api.of('chat.postEphemeral').find((e) => e.user === 'UAMY'), 'out-of-date notice');
    expect(told.text).toContain('Nothing was done');
    expect(await getHandoff(t.db, id)).toMatchObject({ status: 'queued', adviserId: null });

    // Replayed six minutes after it was signed: refused before Bolt acts.
    clock += 5 * 60_000;
    const late = await send(captured);
    expect(late.status).toBe(401);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    await settled();
    expect(await getHandoff(t.db, id)).toMatchObject({ status: 'queued', adviserId: null });
    const claims = (await listAudit(t.db, 'replay-1')).filter((e) => e.action === 'claim');
    expect(claims).toHaveLength(1);
  });

  it('a press from a card drawn before the last change is ignored even when freshly sent (a second adviser on an old view)', async () => {
    const { id, ts } = await openCard('replay-2');
    const firstClaim = buttonOnCard(ts, 'handoff_claim')!;
    await h.service.claim(id, { id: 'UAMY', name: 'Amy' });
    await h.service.release(id, { id: 'UAMY' });
    await h.slack.worker.drain();
    expect((await send(press('handoff_claim', firstClaim, 'UBEN', ts))).status).toBe(200);
    await until(async () => api.of('chat.postEphemeral').find((e) => e.user === 'UBEN'), 'out-of-date notice');
    expect(await getHandoff(t.db, id)).toMatchObject({ status: 'queued', adviserId: null });

    // The current card's Claim works.
    expect((await send(press('handoff_claim', buttonOnCard(ts, 'handoff_claim')!, 'UBEN', ts))).status).toBe(200);
    await until(async () => (await getHandoff(t.db, id))?.adviserId === 'UBEN', 'claim from the current card');
  });

  it('a double click on Claim claims once and tells the adviser nothing', async () => {
    const { id, ts } = await openCard('replay-double');
    const value = buttonOnCard(ts, 'handoff_claim')!;
    expect((await send(press('handoff_claim', value, 'UAMY', ts))).status).toBe(200);
    await until(async () => (await getHandoff(t.db, id))?.adviserId === 'UAMY', 'claim');
    expect((await send(press('handoff_claim', value, 'UAMY', ts))).status).toBe(200);
    await settled();
    expect(api.of('chat.postEphemeral')).toEqual([]);
    expect((await listAudit(t.db, 'replay-double')).filter((e) => e.action === 'claim')).toHaveLength(1);
  });

  it('ignores a press made more than five minutes ago, even in a request signed now', async () => {
    const { id, ts } = await openCard('replay-3');
    const value = buttonOnCard(ts, 'handoff_claim')!;
    expect((await send(press('handoff_claim', value, 'UAMY', ts, { pressMs: clock - 6 * 60_000 }))).status).toBe(200);
    await settled();
    expect(await getHandoff(t.db, id)).toMatchObject({ status: 'queued', adviserId: null });
    expect(api.of('users.info')).toHaveLength(0);
  });
});

describe('X-Slack-Request-Timestamp window (±5 minutes)', () => {
  it.each([
    ['an hour ahead', 3600],
    ['an hour old', -3600],
    ['six minutes ahead', 360],
  ])('refuses a correctly signed request stamped %s with 401, and nothing happens', async (_what, offset) => {
    const { id, ts } = await openCard(`window-refused-${offset}`);
    const c = press('handoff_claim', buttonOnCard(ts, 'handoff_claim')!, 'UAMY', ts, { requestSec: Math.floor(clock / 1000) + offset });
    const res = await send(c);
    expect(res.status).toBe(401);
    await settled();
    expect(await getHandoff(t.db, id)).toMatchObject({ status: 'queued', adviserId: null });
    expect(api.of('users.info')).toHaveLength(0);
  });

  it('refuses a timestamp that is not a number of seconds', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'abc', token: 'x' });
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(body), 'x-slack-request-timestamp': '1e9' }, body });
    expect(res.status).toBe(401);
  });

  it.each([
    ['four minutes ahead', 240],
    ['four minutes old', -240],
  ])('accepts a request stamped %s', async (_what, offset) => {
    const { id, ts } = await openCard(`window-accepted-${offset}`);
    const c = press('handoff_claim', buttonOnCard(ts, 'handoff_claim')!, 'UAMY', ts, { requestSec: Math.floor(clock / 1000) + offset });
    expect((await send(c)).status).toBe(200);
    await until(async () => (await getHandoff(t.db, id))?.adviserId === 'UAMY', 'claim');
  });
});
