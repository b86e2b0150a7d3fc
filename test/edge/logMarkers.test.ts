/**
 * No personal data in the logs, at any level: the whole app (buildApp, real PostgreSQL, Slack on,
 * workers running) at LOG_LEVEL=debug, every log line captured. A resident goes through the
 * journey over Direct Line with a unique marker in every free-text answer (an odd answer, the
 * postcode, the application's values statement, the phone number and email address given for a
 * call-back, words for the adviser, their Direct Line name); an adviser claims in Slack, replies
 * and writes a note with markers; an admin exports the applications CSV and sets a status; a Bot
 * Framework activity carries a marker in `from.name`; and two turns fail in the database with the
 * marker in the error's `detail` and in its message and `where`. Then no marker may appear in any
 * log line, in any spelling (case, spaces, URL encoding).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { findOpenHandoff } from '../../src/store/handoffs.ts';
import { findSlackCard } from '../../src/store/slackCards.ts';
import { createPartnerCredential } from '../../src/store/partnerCredentials.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { CHANNEL, sign, SLACK, slackStandIn, until } from '../channels/slack/slackHarness.ts';

const RUN = randomBytes(4).toString('hex');
const digits = String(10000 + (parseInt(RUN, 16) % 89999));
const M = {
  dlName: `ZqDlName${RUN}`,
  odd: `ZqOdd${RUN}`,
  postcode: 'B11 9ZQ',
  values: `ZqValues${RUN}`,
  phone: `07700 9${digits}`,
  // The same number as +44 would write it (never typed: looked for only).
  phoneNational: `7700 9${digits}`,
  email: `zqmail${RUN}@example.org`,
  toAdviser: `ZqToAdviser${RUN}`,
  fromAdviser: `ZqFromAdviser${RUN}`,
  note: `ZqNote${RUN}`,
  bfName: `ZqBfName${RUN}`,
  bfText: `ZqBfText${RUN}`,
  dbDetail: `ZqDbDetail${RUN}`,
  dbWhere: `ZqDbWhere${RUN}`,
};

const POSTCODES = 'http://postcodes.logs.test';
const CONNECTOR = 'https://connector.logs.test';
const ADMIN_TOKEN = 'logs-admin-token-0123456789';
const SIGNING_SECRET = 'logs-signing-secret';

/** Case, spaces and URL encoding folded away, so `B11%209ZQ` or `+44 7700…` still match. */
const fold = (s: string) => s.toLowerCase().replace(/%20|\\u0020|[\s+]/g, '');

type Activity = { type: string; text?: string; from: { role?: string }; suggestedActions?: { actions: Array<{ title: string; value: unknown }> } };

let t: TestDb;
let app: RunningApp;
let closed = false;
let base: string;
let api: ReturnType<typeof slackStandIn>;
const lines: string[] = [];

beforeAll(async () => {
  t = await createTestDb();
  api = slackStandIn();
  // postcodes.io: every postcode is in Birmingham, in an IMD decile-1 neighbourhood (see journey.e2e).
  nock(POSTCODES)
    .persist()
    .get(/^\/postcodes\/.+/)
    .reply(200, {
      status: 200,
      result: {
        postcode: M.postcode,
        admin_district: 'Birmingham',
        admin_ward: 'Tyseley & Hay Mills',
        codes: { admin_district: 'E08000025', admin_ward: 'E05011182', lsoa: 'E01033620', lsoa11: 'E01008882', lsoa21: 'E01033620' },
      },
    });
  nock(CONNECTOR)
    .persist()
    .post(/.*/)
    .reply(200, () => ({ id: `sent-${randomBytes(3).toString('hex')}` }));

  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    // The Bot Connector stand-in (nock) is where Bot Framework replies may go.
    BOTFRAMEWORK_SERVICE_URLS: new URL(CONNECTOR).hostname,
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    ADMIN_TOKEN,
    POSTCODES_IO_URL: POSTCODES,
    SLACK_BOT_TOKEN: 'xoxb-logs',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_HANDOFF_CHANNEL: CHANNEL,
    SLACK_API_URL: `${SLACK}/api/`,
    // Always open, so the test does not depend on the day it runs.
    HANDOFF_OFFICE_HOURS: JSON.stringify({ default: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])) }),
  });
  app = await buildApp(config, { db: t.db, logger: createLogger(config.LOG_LEVEL, { destination }), workers: true });
  base = `http://127.0.0.1:${app.server.port}`;
});

afterAll(async () => {
  if (!closed) await app?.close();
  api?.done();
  nock.cleanAll();
  await t?.close();
});

let addresses = 0;
/** A resident on Direct Line (REST, as Web Chat's polling mode does). */
async function resident() {
  addresses++;
  const start = await fetch(`${base}/v3/directline/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.0.${addresses}` },
    body: JSON.stringify({ locale: 'en' }),
  });
  expect(start.status).toBe(201);
  const { conversationId, token } = (await start.json()) as { conversationId: string; token: string };
  const auth = { authorization: `Bearer ${token}` };
  let watermark = 0;
  let n = 0;
  const read = async (): Promise<Activity[]> => {
    const r = (await (await fetch(`${base}/v3/directline/conversations/${conversationId}/activities?watermark=${watermark}`, { headers: auth })).json()) as {
      activities: Activity[];
      watermark: string;
    };
    watermark = Number(r.watermark ?? watermark);
    return r.activities.filter((a) => a.from.role === 'bot');
  };
  await read();
  return {
    conversationId,
    read,
    /** Sends one message and returns what the bot said back (as text, with the buttons it offered). */
    async say(text: string | undefined, value?: unknown): Promise<{ status: number; said: string; buttons: Array<{ title: string; value: unknown }> }> {
      const res = await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          from: { id: 'someone', name: M.dlName },
          ...(text !== undefined ? { text } : {}),
          ...(value !== undefined ? { value } : {}),
          channelData: { clientActivityID: `c${++n}` },
        }),
      });
      const got = await read();
      return { status: res.status, said: got.map((a) => a.text ?? '').join('\n'), buttons: got.flatMap((a) => a.suggestedActions?.actions ?? []) };
    },
  };
}

function slackPost(body: string, contentType: string): Promise<Response> {
  return fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...sign(body, undefined, SIGNING_SECRET) }, body });
}
const press = (actionId: string, value: string, user: string) =>
  slackPost(
    new URLSearchParams({
      payload: JSON.stringify({
        type: 'block_actions',
        team: { id: 'T1' },
        user: { id: user, username: 'sam', name: 'Sam' },
        channel: { id: CHANNEL },
        actions: [{ type: 'button', action_id: actionId, value, action_ts: String(Date.now() / 1000) }],
      }),
    }).toString(),
    'application/x-www-form-urlencoded',
  );
let events = 0;
const threadReply = (threadTs: string, user: string, text: string) =>
  slackPost(
    JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      event_id: `EvLogs${RUN}${++events}`,
      event: { type: 'message', channel: CHANNEL, user, text, ts: `${Date.now() / 1000}`, thread_ts: threadTs },
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
    }),
    'application/json',
  );

/** A card button's value as last drawn (the card post, then its updates). */
function cardButton(ts: string, actionId: string): string {
  const drawn: Array<Record<string, string>> = [...api.of('chat.postMessage').filter((p) => !p.thread_ts && p.blocks).map((p) => ({ ...p, ts })), ...api.of('chat.update')];
  const blocks = JSON.parse(drawn.filter((p) => p.ts === ts && p.blocks).at(-1)!.blocks!) as Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>;
  const value = blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : [])).find((e) => e.action_id === actionId)?.value;
  if (!value) throw new Error(`no ${actionId} button on the card`);
  return value;
}

describe('logs at debug level hold no personal data', () => {
  it('the journey, the adviser in Slack, the admin, Bot Framework and database failures leave no marker in any log line', async () => {
    // 1. The journey over Direct Line, a marker in every free-text answer.
    const r = await resident();
    expect((await r.say(undefined, 'en')).said).toMatch(/keep your answers/);
    expect((await r.say(undefined, 'yes')).said).toMatch(/How old are you/);
    expect((await r.say(M.odd)).said).toMatch(/number|age|old/i);
    await r.say('19');
    await r.say(undefined, 'unemployed');
    await r.say(undefined, 'never');
    await r.say('yes');
    const decision = await r.say(M.postcode);
    expect(decision.said).toContain('Good news! You can join I Can.');
    const sessions = new Set((await t.db.query<{ id: string }>(`SELECT id::text AS id FROM course_sessions`)).rows.map((s) => s.id));
    const session = decision.buttons.find((b) => sessions.has(String(b.value)))!;
    expect((await r.say(undefined, session.value)).said).toContain('Your place is booked.');
    await r.say('admin and facilities');
    await r.say('yes');
    await r.say('1 and 2');
    expect((await r.say(`I am friendly and reliable ${M.values}`)).said).toMatch(/Is that OK\?/);
    expect((await r.say('yes')).said).toContain('We have sent one application');

    // 2. A handoff: a call-back number, words for the adviser.
    expect((await r.say('talk to a person')).said).toMatch(/asking an adviser/);
    await r.say(undefined, 'handoff.contact.phone');
    expect((await r.say(M.phone)).said).toContain(M.phone.slice(-5));
    await r.say(undefined, 'handoff.contact.yes');
    await r.say(`Please also know ${M.toAdviser}`);
    const handoff = await until(async () => {
      const h = await findOpenHandoff(t.db, r.conversationId);
      const card = h && (await findSlackCard(t.db, h.id));
      return h && card ? { id: h.id, ts: card.ts } : undefined;
    }, 'the card in Slack');
    await until(async () => api.of('chat.postMessage').find((p) => p.thread_ts === handoff.ts && p.text?.includes(M.toAdviser)), 'relay into the thread');

    // 3. The adviser: claims, replies (the resident sees it), writes a note, returns to the bot.
    expect((await press('handoff_claim', cardButton(handoff.ts, 'handoff_claim'), 'USAM')).status).toBe(200);
    await until(async () => (await r.read()).some((a) => /Sam is an adviser/.test(a.text ?? '')), 'claimed');
    expect((await threadReply(handoff.ts, 'USAM', `Hello, ${M.fromAdviser}`)).status).toBe(200);
    await until(async () => (await r.read()).some((a) => (a.text ?? '').includes(M.fromAdviser)), "the adviser's reply");
    expect((await threadReply(handoff.ts, 'USAM', `note: ${M.note}`)).status).toBe(200);
    await until(async () => {
      const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM handoff_audit WHERE handoff_id = $1 AND action = 'note'`, [handoff.id]);
      return rows[0]!.n > 0;
    }, 'the note audited');
    await until(async () => api.of('chat.update').length > 0, 'the card redrawn');
    expect((await press('handoff_return', cardButton(handoff.ts, 'handoff_return'), 'USAM')).status).toBe(200);
    await until(async () => (await r.read()).length > 0, 'back with the assistant');

    // 4. A second resident gives an email address for the call-back.
    const e = await resident();
    await e.say(undefined, 'en');
    await e.say(undefined, 'yes');
    await e.say('talk to a person');
    await e.say(undefined, 'handoff.contact.email');
    expect((await e.say(M.email)).said).toContain(M.email);
    await e.say(undefined, 'handoff.contact.yes');

    // 5. The admin: the applications CSV (it holds the values statement) and a status change.
    const partners = (await t.db.query<{ id: string }>(`SELECT id FROM partners ORDER BY id`)).rows.map((p) => p.id);
    const credentials = new Map<string, string>();
    for (const p of partners) {
      const c = await createPartnerCredential(t.db, { partnerId: p, label: 'logs' });
      if (c.type === 'created') credentials.set(p, c.token);
    }
    const csvs = await Promise.all(
      partners.map(async (p) => (await fetch(`${base}/admin/partners/${p}/applications`, { headers: { authorization: `Bearer ${credentials.get(p)}` } })).text()),
    );
    expect(csvs.some((c) => c.includes(M.values))).toBe(true);
    // Refused requests are logged at debug level: without the token, and a Slack request stamped an hour ahead.
    expect((await fetch(`${base}/admin/partners/${partners[0]}/applications`)).status).toBe(401);
    const ahead = JSON.stringify({ type: 'event_callback', team_id: 'T1', event_id: `EvAhead${RUN}`, event: { type: 'message', channel: CHANNEL, user: 'USAM', text: M.fromAdviser, ts: '1.1', thread_ts: handoff.ts } });
    const aheadRes = await fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(ahead, Math.floor(Date.now() / 1000) + 3600, SIGNING_SECRET) }, body: ahead });
    expect(aheadRes.status).toBe(401);
    const { rows: applied } = await t.db.query<{ id: string; partner_id: string }>(
      `SELECT av.id, v.partner_id FROM application_vacancies av JOIN applications a ON a.id = av.application_id JOIN vacancies v ON v.id = av.vacancy_id
        WHERE a.conversation_id = $1 ORDER BY av.id LIMIT 1`,
      [r.conversationId],
    );
    const status = await fetch(`${base}/admin/applications/${applied[0]!.id}/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credentials.get(applied[0]!.partner_id)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'shortlisted' }),
    });
    expect(status.status).toBeLessThan(300);

    // 6. Bot Framework: a name and a message on /api/messages (development: unauthenticated).
    const bf = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `bf-${RUN}`,
        channelId: 'emulator',
        serviceUrl: CONNECTOR,
        conversation: { id: `bf-conv-${RUN}` },
        from: { id: 'bf-user', name: M.bfName },
        recipient: { id: 'bot', name: 'Anchorline' },
        locale: 'en-GB',
        text: M.bfText,
      }),
    });
    expect(bf.status).toBeLessThan(300);

    // 7. The database refuses a turn: a check constraint whose `detail` quotes the row, and a
    // trigger whose error quotes the value in its message and `where`.
    await t.db.query(`ALTER TABLE messages ADD CONSTRAINT logs_marker_check CHECK (position('ZqDbDetail' in body::text) = 0)`);
    await t.db.query(`CREATE FUNCTION logs_marker_fn() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.body->>'text' LIKE 'ZqDbWhere%' THEN EXECUTE format('SELECT %L::int', NEW.body->>'text'); END IF;
        RETURN NEW;
      END $$`);
    await t.db.query(`CREATE TRIGGER logs_marker_trigger BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION logs_marker_fn()`);
    const failing = await resident();
    expect((await failing.say(M.dbDetail)).status).toBe(503);
    expect((await failing.say(M.dbWhere)).status).toBe(503);
    await t.db.query(`DROP TRIGGER logs_marker_trigger ON messages`);
    await t.db.query(`ALTER TABLE messages DROP CONSTRAINT logs_marker_check`);
    // Shut down too: what is logged on the way out counts.
    await app.close();
    closed = true;

    // The logs: written at every level including debug, the database failures among them by code.
    const parsed = lines.map((l) => JSON.parse(l) as { level: number; msg?: string });
    expect(parsed.length).toBeGreaterThan(20);
    expect(parsed.some((l) => l.level === 20)).toBe(true);
    expect(lines.some((l) => l.includes('"23514"'))).toBe(true);
    expect(lines.some((l) => l.includes('"22P02"'))).toBe(true);
    const leaks = Object.entries(M).flatMap(([what, marker]) => lines.filter((l) => fold(l).includes(fold(marker))).map((l) => `${what}: ${l.slice(0, 300)}`));
    expect(leaks).toEqual([]);
  });
});
