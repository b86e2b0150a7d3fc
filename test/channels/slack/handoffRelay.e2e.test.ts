/**
 * End to end: a resident on Direct Line (botframework-directlinejs, the Web Chat client)
 * asks for a person; the card reaches Slack (a nock stand-in); an adviser claims it with a
 * signed block_actions request through the real Bolt receiver; messages go both ways;
 * `note:` stays internal; the bot stays silent while claimed; Return to bot resumes the flow
 * at the step the resident left (its stored snapshot is untouched by the whole exchange).
 */
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandoffs, type Handoffs } from '../../../src/channels/slack/createHandoffs.ts';
import { handoffSettings } from '../../../src/domain/handoffs/handoffSettings.ts';
import { loadConfig } from '../../../src/config.ts';
import { allActions } from '../../../src/domain/allActions.ts';
import { ActionRegistry } from '../../../src/engine/actions.ts';
import { createEngine } from '../../../src/engine/createEngine.ts';
import { makeActionRunner } from '../../../src/engine/runAction.ts';
import { FlowCatalog } from '../../../src/flows/catalog.ts';
import { findOpenHandoff, getHandoff } from '../../../src/store/handoffs.ts';
import { findSlackCard } from '../../../src/store/slackCards.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { connect, serveDirectLine, type Client, type Served } from '../web/directLineHarness.ts';
import { silent } from '../../domain/handoffs/handoffFixtures.ts';
import { CHANNEL, sign, SLACK, slackStandIn, until } from './slackHarness.ts';

let t: TestDb;
let dl: Served;
let desk: Handoffs;
let slackUrl: string;
let slackServer: import('node:http').Server;
let api: ReturnType<typeof slackStandIn>;

beforeAll(async () => {
  t = await createTestDb();
  api = slackStandIn();
  // The shipped flows call the real domain actions, registered as the app does.
  const actions = new ActionRegistry().register(...(await allActions(loadConfig({ FLOWS_DIR: 'flows' }))));
  const catalog = new FlowCatalog({ flowsDir: 'flows', localesDir: 'locales', actions }, t.db);
  const loaded = await catalog.reload();
  if (!loaded.ok) throw new Error(`flows do not load: ${JSON.stringify(loaded.problems).slice(0, 1500)}`);
  desk = createHandoffs({
    db: t.db,
    logger: silent,
    localesDir: path.resolve('locales'),
    flowsDir: path.resolve('flows'),
    defaultLocale: 'en',
    // Always open, so the test does not depend on the day it runs.
    officeHours: handoffSettings.HANDOFF_OFFICE_HOURS.schema.parse(
      JSON.stringify({ default: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])) }),
    ),
    escalationMinutes: 15,
    slack: { botToken: 'xoxb-e2e', signingSecret: 'e2e-signing-secret', handoffChannel: CHANNEL, apiUrl: `${SLACK}/api/`, notePrefix: 'note:' },
  });
  const engine = createEngine({ db: t.db, catalog, logger: silent, runAction: makeActionRunner(actions, 2000, silent), handoffs: desk.service, safeguarding: desk.safeguarding });
  dl = await serveDirectLine({ db: t.db, engine, logger: silent, tokenSigningKey: 'k'.repeat(32), widgetOrigins: [] });
  const app = express();
  app.use('/', desk.router!);
  slackServer = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  slackUrl = `http://127.0.0.1:${(slackServer.address() as AddressInfo).port}/slack/events`;
  await desk.start();
});

afterAll(async () => {
  await desk?.stop();
  await new Promise<void>((r) => (slackServer ? slackServer.close(() => r()) : r()));
  await dl?.close();
  api?.done();
  await t?.close();
});

function slackPost(body: string, contentType: string): Promise<Response> {
  return fetch(slackUrl, { method: 'POST', headers: { 'content-type': contentType, ...sign(body, undefined, 'e2e-signing-secret') }, body });
}
const press = (actionId: string, handoffId: number, user: string) =>
  slackPost(
    new URLSearchParams({
      payload: JSON.stringify({
        type: 'block_actions',
        team: { id: 'T1' },
        user: { id: user, username: 'sam', name: 'Sam' },
        channel: { id: CHANNEL },
        actions: [{ type: 'button', action_id: actionId, value: String(handoffId), action_ts: String(Date.now() / 1000) }],
      }),
    }).toString(),
    'application/x-www-form-urlencoded',
  );
const threadReply = (threadTs: string, user: string, text: string, id: string) =>
  slackPost(
    JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      event_id: id,
      event: { type: 'message', channel: CHANNEL, user, text, ts: `${Date.now() / 1000}`, thread_ts: threadTs },
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
    }),
    'application/json',
  );

async function snapshotOf(conversationId: string): Promise<unknown> {
  const { rows } = await t.db.query<{ snapshot: unknown }>(`SELECT snapshot FROM conversations WHERE id = $1`, [conversationId]);
  return rows[0]?.snapshot;
}

const botSays = (c: Client, re: RegExp) => c.waitFor((a) => a.type === 'message' && (a.from as { role?: string }).role === 'bot' && re.test(String(a.text)), String(re));
type Action = { title: string; text: string; value: string; displayText: string };
async function pressChoice(c: Client, re: RegExp, title: string, id: string) {
  const q = await c.waitFor((a) => a.type === 'message' && re.test(String(a.text)) && !!a.suggestedActions, String(re));
  const action = (q.suggestedActions as { actions: Action[] }).actions.find((a) => a.title === title)!;
  await c.post({ type: 'message', text: action.text, value: action.value, channelData: { clientActivityID: id } });
}

describe('handoff relay, both ways, end to end', () => {
  it('resident ↔ adviser through Direct Line and Slack, then back to the step they left', async () => {
    const gen = (await (await fetch(`${dl.domain}/tokens/generate`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const c = connect({ domain: dl.domain, token: gen.token, webSocket: true, conversationStartProperties: { locale: 'en' } });
    try {
      await pressChoice(c, /language/, 'English', 'r-lang');
      await pressChoice(c, /OK for us to keep your answers/, 'Yes', 'r-consent');
      await c.waitFor((a) => /How old are you/.test(String(a.text)), 'age question');
      const waitingAt = await snapshotOf(gen.conversationId);

      await c.post({ type: 'message', text: 'talk to a person', channelData: { clientActivityID: 'r-person' } });
      await botSays(c, /asking an adviser/);
      const card = await until(async () => api.of('chat.postMessage').find((p) => !p.thread_ts), 'card in Slack');
      expect(card.blocks).toContain('Resident asked for a person');
      const handoff = await until(async () => {
        const h = await findOpenHandoff(t.db, gen.conversationId);
        const posted = h && (await findSlackCard(t.db, h.id));
        return h && posted ? { ...h, slackTs: posted.ts } : undefined;
      }, 'card recorded');

      expect((await press('handoff_claim', handoff.id, 'USAM')).status).toBe(200);
      await botSays(c, /Sam is an adviser/);

      // Resident → adviser: posted into the card's thread, and the bot says nothing.
      await c.post({ type: 'message', text: 'Can you check my CV? <!here>', channelData: { clientActivityID: 'r-cv' } });
      const relay = await until(async () => api.of('chat.postMessage').find((p) => p.thread_ts === handoff.slackTs && p.text?.startsWith('Resident:')), 'relay in thread');
      expect(relay.text).toBe('Resident: Can you check my CV? &lt;!here&gt;');
      const { rows: after } = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM messages m WHERE m.conversation_id = $1 AND m.direction = 'out'
           AND m.seq > (SELECT seq FROM messages WHERE conversation_id = $1 AND body->>'text' = 'Can you check my CV? <!here>')`,
        [gen.conversationId],
      );
      expect(after[0]!.n).toBe(0);

      // Adviser → resident: a thread reply reaches the resident's stream; a note does not.
      await threadReply(handoff.slackTs!, 'USAM', 'note: wants CV help', 'Ev-note');
      await threadReply(handoff.slackTs!, 'USAM', 'Yes! Send it to <mailto:cv@example.org|cv@example.org>', 'Ev-reply');
      const adviserMsg = await c.waitFor((a) => (a.channelData as { adviser?: boolean } | undefined)?.adviser === true, 'adviser message');
      expect(adviserMsg).toMatchObject({ text: 'Yes! Send it to cv@example.org', from: { name: 'Sam' } });
      expect(c.activities.some((a) => String(a.text).includes('wants CV help'))).toBe(false);
      const { rows: notes } = await t.db.query(`SELECT 1 FROM messages WHERE conversation_id = $1 AND body::text LIKE '%wants CV help%'`, [gen.conversationId]);
      expect(notes).toHaveLength(0);

      // Return to bot: the flow's snapshot is exactly as the resident left it, and the flow answers again.
      await press('handoff_return', handoff.id, 'USAM');
      await botSays(c, /back with the assistant/);
      await until(async () => (await getHandoff(t.db, handoff.id))?.status === 'returned', 'returned');
      expect(await snapshotOf(gen.conversationId)).toEqual(waitingAt);
      const before = c.activities.length;
      await c.post({ type: 'message', text: '20', channelData: { clientActivityID: 'r-age' } });
      await c.waitFor((a) => {
        const cd = (a.channelData ?? {}) as { adviser?: boolean; handoffStatus?: string };
        return c.activities.indexOf(a) >= before && a.type === 'message' && (a.from as { role?: string }).role === 'bot' && !cd.adviser && !cd.handoffStatus;
      }, 'the flow answering again');
    } finally {
      c.end();
    }
  });
});
