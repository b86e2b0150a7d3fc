/**
 * Erasure that leaves nothing (issue 12). A resident goes through the whole journey with a unique
 * marker in every free-text answer, message, adviser reply, call-back and channel name; their
 * conversation is then erased ("delete my data" in each state, or retention), and every text,
 * jsonb and text[] column of every table (read from information_schema, so a new table is
 * scanned without changing this test) is searched for the markers: none may remain. The Slack
 * side is checked too: the card is redrawn without the summary and every thread post of the bot
 * that carried the resident's words is deleted.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCourses } from '../../src/domain/courses/seedCourses.ts';
import { journeyEraser } from '../../src/domain/journey/eraseJourneyData.ts';
import { eraseConversation, privacyEraser } from '../../src/domain/privacy/eraseConversation.ts';
import { pruneIdleConversations } from '../../src/domain/retention/pruneIdleConversations.ts';
import { seedPartners } from '../../src/domain/vacancies/seedPartners.ts';
import type { Engine } from '../../src/engine/port.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { saveAddress } from '../../src/store/conversations.ts';
import type { Db } from '../../src/store/db.ts';
import { findOpenHandoff } from '../../src/store/handoffs.ts';
import { findSlackCard, listSlackPosts } from '../../src/store/slackCards.ts';
import { consentHistory } from '../../src/store/consentEvents.ts';
import { privacyAuditOf } from '../../src/store/privacyAudit.ts';
import { CHANNEL, SLACK, slackStandIn, until } from '../channels/slack/slackHarness.ts';
import type { Handoffs } from '../../src/channels/slack/createHandoffs.ts';
import { shippedEngine, testDesk } from '../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

const POSTCODES = 'http://postcodes.erasure.test';
const SAM = { id: 'USAM', name: 'Sam' };

/** Every text-like column of every table of the current schema. */
async function textColumns(db: Db): Promise<Array<{ table: string; column: string }>> {
  const { rows } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = current_schema() AND c.data_type IN ('text', 'jsonb', 'json', 'character varying', 'ARRAY', 'bytea')
      ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ table: r.table_name, column: r.column_name }));
}

/** Where any of `needles` still is: "table.column" for each hit. */
async function scan(db: Db, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const { table, column } of await textColumns(db)) {
    for (const needle of needles) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}"::text ILIKE $1`, [`%${needle}%`]);
      if (rows[0]!.n > 0) hits.push(`${table}.${column} (${needle})`);
    }
  }
  return hits;
}

function postcodeAnswer(postcode: string) {
  return {
    status: 200,
    result: {
      postcode,
      admin_district: 'Birmingham',
      admin_ward: 'Tyseley & Hay Mills',
      codes: { admin_district: 'E08000025', admin_ward: 'E05011182', lsoa: 'E01033620', lsoa11: 'E01008882', lsoa21: 'E01033620' },
    },
  };
}

const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type)).join('\n');
const values = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'choices' ? r.choices.map((c) => c.value) : []));

describe('erasure leaves nothing behind (schema-wide scan)', () => {
  let t: TestDb;
  let desk: Handoffs;
  let api: ReturnType<typeof slackStandIn>;
  let engine: Engine;
  let n = 0;
  const erasers = () => [journeyEraser(), desk.eraser, privacyEraser];

  const send = async (c: string, text?: string, value?: unknown, channel: 'test' | 'botframework' = 'test', name?: string) =>
    (await engine.handleTurn({ conversationId: c, channel, activityId: `e${++n}`, user: { id: `user-${c}`, ...(name ? { name } : {}) }, text, value, receivedAt: new Date() })).replies;

  beforeAll(async () => {
    t = await createTestDb();
    api = slackStandIn();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    await seedCourses(t.db, 'flows/courses.yaml');
    await seedPartners(t.db, 'flows/partners.yaml');
    desk = testDesk(t.db, { botToken: 'xoxb-erasure', signingSecret: 'erasure-signing-secret', handoffChannel: CHANNEL, apiUrl: `${SLACK}/api/` });
    ({ engine } = await shippedEngine(t.db, { env: { POSTCODES_IO_URL: POSTCODES }, desk, erasers: erasers() }));
    await desk.start();
  });
  afterAll(async () => {
    await desk?.stop();
    api?.done();
    await t?.close();
  });

  let postcodeNo = 0;
  /**
   * The whole journey with markers: an odd answer, the postcode, a booking, an application with a
   * values statement, then a person asked for, a call-back number and email, and a message to the
   * adviser. Returns the needles to scan for.
   */
  async function journey(c: string, opts: { channel?: 'test' | 'botframework'; contact?: 'phone' | 'email' } = {}): Promise<{ needles: string[]; marker: string }> {
    // Letters only: digits inside a marker would be read as a number where one is asked.
    const marker = `zqx${c.replace(/[^a-z]/gi, '')}${Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
    postcodeNo++;
    const postcode = `B1${postcodeNo % 10} ${Math.floor(postcodeNo / 10)}QZ`;
    nock(POSTCODES).get(`/postcodes/${encodeURIComponent(postcode)}`).reply(200, postcodeAnswer(postcode));
    const ch = opts.channel ?? 'test';
    const s = (text?: string, value?: unknown) => send(c, text, value, ch, `${marker}-name`);
    await s('hello');
    await s('English');
    await s('yes');
    expect(texts(await s(`${marker}-odd`))).toMatch(/age|number/i);
    await s('19');
    await s('looking for work');
    await s('no never');
    await s('yes');
    const decision = await s(postcode.toLowerCase());
    expect(texts(decision)).toMatch(/You can join/);
    const session = values(decision)[0];
    expect(texts(await s(undefined, session))).toMatch(/booked|waiting list/i);
    await s('admin and facilities');
    const vacancies = await s('yes');
    expect(values(vacancies).length).toBeGreaterThan(1);
    await s('1');
    let applied = await s(`I am ${marker}-values and I like helping people.`);
    // Sharing is asked per partner before anything is sent (consent per purpose).
    if (/Is that OK/.test(texts(applied))) applied = await s('yes');
    expect(texts(applied)).toMatch(/sent one application/);
    // A person: by phone, agreeing to its use; then a message for the adviser.
    const phoneDigits = `7700${String(100000 + postcodeNo * 7919).slice(0, 6)}`;
    expect(texts(await s('talk to a person'))).toMatch(/adviser/);
    if (opts.contact === 'email') {
      expect(texts(await s('email'))).toMatch(/email address/);
      expect(texts(await s(`${marker}.mail@example.org`))).toMatch(/Can we keep/);
    } else {
      expect(texts(await s('phone'))).toMatch(/phone number/);
      expect(texts(await s(`0${phoneDigits}, mornings`))).toMatch(/Can we keep/);
    }
    expect(texts(await s('yes'))).toMatch(/Thank you/);
    // Contact is its own consent, recorded with the version of the question's wording.
    expect((await consentHistory(t.db, c)).map((e) => `${e.purpose}:${e.scope}:${e.granted}`)).toContain(`contact:${opts.contact ?? 'phone'}:true`);
    await s(`please call after ${marker}-msg`);
    return { marker, needles: [marker, postcode, postcode.replace(' ', ''), phoneDigits] };
  }

  async function handoffOf(c: string) {
    const h = await findOpenHandoff(t.db, c);
    expect(h).toBeDefined();
    await until(() => findSlackCard(t.db, h!.id), 'card posted', 20_000);
    return h!;
  }

  /**
   * The resident's words went out in the thread; after erasure the card is redrawn without them and
   * every bot post that carried them is deleted (`deletesBefore`: chat.delete calls before the erasure).
   */
  async function slackForgets(handoffId: number, marker: string, deletesBefore: number) {
    await until(async () => api.of('chat.update').find((u) => (u.text ?? '').includes(`Handoff #${handoffId}: the resident's data has been deleted`)), 'card wiped', 20_000);
    const carried = api.of('chat.postMessage').filter((p) => p.thread_ts && JSON.stringify(p).includes(marker)).length;
    expect(carried).toBeGreaterThan(0);
    await until(async () => (api.of('chat.delete').length - deletesBefore >= carried ? true : undefined), 'thread posts deleted', 20_000);
    await until(async () => ((await listSlackPosts(t.db, handoffId)).length === 0 ? true : undefined), 'thread posts forgotten', 20_000);
  }

  async function erasedFully(c: string, needles: string[]) {
    expect(await scan(t.db, needles)).toEqual([]);
    expect((await privacyAuditOf(t.db, c)).map((e) => `${e.action}:${e.actor}`)).toContain('erased:resident');
  }

  it('in the bot (after booking and applying): 0 markers anywhere', async () => {
    const c = 'erase-bot';
    const { needles, marker } = await journey(c);
    // A site embedding the widget with its Direct Line secret names its own user id.
    await t.db.query(`INSERT INTO directline_conversations (id, user_id) VALUES ($1, $2)`, [c, `${marker}-site-user`]);
    // Back with the bot: the handoff is returned before the erasure.
    const h = await handoffOf(c);
    expect((await desk.service.claim(h.id, SAM)).ok).toBe(true);
    expect((await desk.service.returnToBot(h.id, SAM)).ok).toBe(true);
    expect(await scan(t.db, needles)).not.toEqual([]);
    expect(texts(await send(c, 'delete my data'))).toMatch(/deleted/);
    await erasedFully(c, needles);
  });

  for (const state of ['waiting', 'claimed', 'noted', 'returned', 'closed'] as const) {
    it(`in a handoff (${state}): 0 markers anywhere, the card wiped and the thread posts deleted`, async () => {
      const c = `erase-${state}`;
      const { needles, marker } = await journey(c, { contact: state === 'noted' || state === 'closed' ? 'email' : 'phone' });
      const h = await handoffOf(c);
      await until(async () => (api.calls.some((x) => x.method === 'chat.postMessage' && JSON.stringify(x.body).includes(`${marker}-msg`)) ? true : undefined), 'relayed', 20_000);
      if (state !== 'waiting') {
        expect((await desk.service.claim(h.id, SAM)).ok).toBe(true);
        expect((await desk.service.adviserMessage({ handoffId: h.id, adviser: SAM, text: `Hello, I have your number ${marker}-adviser` })).type).toBe('relayed');
      }
      if (state === 'noted') expect(await desk.service.adviserNote(h.id, SAM)).toBeDefined();
      if (state === 'returned') expect((await desk.service.returnToBot(h.id, SAM)).ok).toBe(true);
      if (state === 'closed') expect((await desk.service.close(h.id, SAM)).ok).toBe(true);
      expect(await scan(t.db, needles)).not.toEqual([]);
      const deletesBefore = api.of('chat.delete').length;
      expect(texts(await send(c, 'delete my data'))).toMatch(/deleted/);
      await slackForgets(h.id, marker, deletesBefore);
      await erasedFully(c, needles);
    });
  }

  it('on a Bot Framework channel: the channel name and address go too', async () => {
    const c = 'bf:erase-bf';
    const { needles, marker } = await journey(c, { channel: 'botframework' });
    await saveAddress(t.db, c, {
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
      conversation: { id: 'a:1', name: `${marker}-chat` },
      user: { id: '29:1', name: `${marker}-name` },
      bot: { id: '28:bot', name: 'Anchorline' },
    });
    expect(await scan(t.db, [`${marker}-name`])).toEqual([]);
    expect(texts(await send(c, 'delete my data', undefined, 'botframework', `${marker}-name`))).toMatch(/deleted/);
    await erasedFully(c, needles);
  });

  it('erased by a process whose Slack is off, after the handoff\'s events were pruned: the card posted earlier is still wiped when Slack runs', async () => {
    const c = 'erase-slack-off';
    const { needles, marker } = await journey(c);
    const h = await handoffOf(c);
    await until(async () => (api.calls.some((x) => x.method === 'chat.postMessage' && JSON.stringify(x.body).includes(`${marker}-msg`)) ? true : undefined), 'relayed', 20_000);
    // Long after: the delivered events were pruned; only Slack's card row says what it shows.
    await until(async () => ((await t.db.query(`SELECT 1 FROM handoff_outbox WHERE handoff_id = $1 AND status IN ('pending', 'sending') AND run_at <= now()`, [h.id])).rowCount === 0 ? true : undefined), 'outbox drained', 20_000);
    await t.db.query(`DELETE FROM handoff_outbox WHERE handoff_id = $1`, [h.id]);
    // A second process, configured without Slack, takes the resident's "delete my data".
    const offline = testDesk(t.db);
    const { engine: other } = await shippedEngine(t.db, { env: { POSTCODES_IO_URL: POSTCODES }, desk: offline, erasers: [journeyEraser(), offline.eraser, privacyEraser] });
    const deletesBefore = api.of('chat.delete').length;
    const out = await other.handleTurn({ conversationId: c, channel: 'test', activityId: `e${++n}`, user: { id: `user-${c}` }, text: 'delete my data', receivedAt: new Date() });
    expect(texts(out.replies)).toMatch(/deleted/);
    await slackForgets(h.id, marker, deletesBefore);
    await erasedFully(c, needles);
  });

  it('erased by staff (a request by post or phone): 0 markers, the card wiped, audited with who', async () => {
    const c = 'erase-staff';
    const { needles, marker } = await journey(c);
    const h = await handoffOf(c);
    await until(async () => (api.calls.some((x) => x.method === 'chat.postMessage' && JSON.stringify(x.body).includes(`${marker}-msg`)) ? true : undefined), 'relayed', 20_000);
    expect((await desk.service.claim(h.id, SAM)).ok).toBe(true);
    const deletesBefore = api.of('chat.delete').length;
    expect(await eraseConversation(t.db, c, { erasers: erasers(), actor: 'staff:alex' })).toBe(true);
    await slackForgets(h.id, marker, deletesBefore);
    expect(await scan(t.db, needles)).toEqual([]);
    expect((await privacyAuditOf(t.db, c)).map((e) => `${e.action}:${e.actor}`)).toContain('erased:staff:alex');
  });

  it('retention: a conversation idle past the limit leaves 0 markers, its card wiped', async () => {
    const c = 'erase-retention';
    const { needles, marker } = await journey(c);
    const h = await handoffOf(c);
    await until(async () => (api.calls.some((x) => x.method === 'chat.postMessage' && JSON.stringify(x.body).includes(`${marker}-msg`)) ? true : undefined), 'relayed', 20_000);
    expect((await desk.service.claim(h.id, SAM)).ok).toBe(true);
    expect((await desk.service.adviserMessage({ handoffId: h.id, adviser: SAM, text: `Noted ${marker}-adviser` })).type).toBe('relayed');
    const deletesBefore = api.of('chat.delete').length;
    await t.db.query(`UPDATE conversations SET last_activity_at = now() - interval '400 days' WHERE id = $1`, [c]);
    expect(await pruneIdleConversations(t.db, { olderThan: new Date(Date.now() - 365 * 86_400_000), erasers: erasers() })).toBe(1);
    await slackForgets(h.id, marker, deletesBefore);
    expect(await scan(t.db, needles)).toEqual([]);
    expect((await privacyAuditOf(t.db, c)).map((e) => `${e.action}:${e.actor}`)).toContain('erased:retention');
  });
});
