/**
 * "Send me my data", end to end: the real engine with the shipped flows, actions and data, the
 * handoff desk (Slack configured but not started, so relayed messages wait in the outbox where
 * the test can see them), and the /privacy routes over HTTP. Two residents plant distinct
 * markers; each one's link shows their data only, works once, and stops working when it expires.
 */
import { answerTyseley } from '../helpers/postcodes.ts';
import nock from 'nock';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasersOf } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { seedCourses } from '../../src/domain/courses/seedCourses.ts';
import { seedPartners } from '../../src/domain/vacancies/seedPartners.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { privacyRoutes } from '../../src/http/privacyRoutes.ts';
import { createApp, listen, type RunningServer } from '../../src/http/server.ts';
import { privacyAuditOf } from '../../src/store/privacyAudit.ts';
import { shippedEngine, testDesk } from '../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

const POSTCODES = 'http://postcodes.test';
const logger = pino({ level: 'silent' });
const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type === 'card' ? r.card.fallback : r.type)).join('\n');

// Markers each resident plants: in a free-text answer (the values statement) and in messages.
const A = { values: 'MarkerAlphaValues I like helping people <script>alert("pwned")</script>', message: 'MarkerAlphaMessage are you there?' };
const B = { message: 'MarkerBravoMessage hello adviser', typed: 'MarkerBravoTyped' };

describe('send me my data', () => {
  let t: TestDb;
  let server: RunningServer;
  let base: string;
  let clockOffsetMs = 0;
  let send: (c: string, text?: string, value?: unknown) => Promise<Reply[]>;

  beforeAll(async () => {
    t = await createTestDb();
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    await seedCourses(t.db, 'flows/courses.yaml');
    await seedPartners(t.db, 'flows/partners.yaml');
    // The router's clock can be moved forward to let links expire.
    const app = createApp({ logger, bodyLimit: '64kb', readiness: [], routes: [['/privacy', privacyRoutes({ db: t.db, logger, now: () => new Date(Date.now() + clockOffsetMs) })]] });
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;

    // Slack configured, never started: its events (relayed messages) stay in the outbox.
    const env = { POSTCODES_IO_URL: POSTCODES, PUBLIC_URL: base, EXPORT_LINK_MINUTES: '30' };
    const desk = testDesk(t.db, { botToken: 'xoxb-sar', signingSecret: 'sar-signing-secret', handoffChannel: 'CSAR', apiUrl: 'http://slack.test/api/' }, logger);
    ({ send } = await shippedEngine(t.db, { env, desk, erasers: erasersOf(loadConfig(env), desk), logger }));

    // Resident A: the whole journey, a free-text values statement, then an adviser and a message to them.
    answerTyseley(POSTCODES);
    await send('res-a', 'hello');
    await send('res-a', undefined, 'en');
    await send('res-a', undefined, 'yes');
    await send('res-a', '19');
    await send('res-a', undefined, 'unemployed');
    await send('res-a', undefined, 'never');
    await send('res-a', 'yes');
    const decision = await send('res-a', 'b11 3aa');
    const { rows: sessions } = await t.db.query<{ id: string }>('SELECT id FROM course_sessions');
    const session = decision.flatMap((r) => (r.type === 'choices' ? r.choices.map((c) => c.value) : [])).find((v) => sessions.some((s) => s.id === v));
    const must = (said: string, what: RegExp) => {
      if (!what.test(said)) throw new Error(`the journey went another way: ${said}`);
    };
    must(texts(await send('res-a', undefined, session)), /Your place is booked/);
    await send('res-a', 'admin and facilities');
    await send('res-a', 'yes');
    await send('res-a', '1 and 2');
    must(texts(await send('res-a', A.values)), /Is that OK\?$/);
    must(texts(await send('res-a', 'yes')), /We have sent one application for the jobs you picked\./);
    must(texts(await send('res-a', 'talk to a person')), /adviser/);
    await send('res-a', A.message);

    // Resident B: consent, an answer typed, an adviser, a message.
    await send('res-b', 'hello');
    await send('res-b', undefined, 'en');
    await send('res-b', undefined, 'yes');
    await send('res-b', '19');
    await send('res-b', B.typed);
    await send('res-b', 'talk to a person');
    await send('res-b', B.message);
  }, 60_000);

  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await server?.close(1000);
    await t?.close();
  });

  /** Asks in the chat; returns the whole answer and the link in it. */
  async function ask(c: string, words = 'send me my data') {
    const said = texts(await send(c, words));
    const url = /\[[^\]]+\]\((http[^)\s]+)\)/.exec(said)?.[1];
    return { said, url: url! };
  }
  const post = (url: string, format: 'html' | 'json' = 'html') =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `format=${format}` });

  it('answers during a handoff with a one-time link and when it stops working; the adviser is not sent the request', async () => {
    const { said, url } = await ask('res-a');
    expect(said).toMatch(/^Here is a copy of all we hold about you: \[Open my data\]\(http:\/\/127\.0\.0\.1:\d+\/privacy\/export\/[A-Za-z0-9_-]{43}\)/);
    expect(said).toMatch(/The link works once\. It stops working at \w+day \d+ \w+ \d{4}, \d{1,2}(:\d\d)?[ap]m\./);
    expect(url.startsWith(`${base}/privacy/export/`)).toBe(true);
    // Still with the adviser; the resident's other message went to them, the request did not.
    const { rows: conv } = await t.db.query<{ owner: string }>(`SELECT owner FROM conversations WHERE id = 'res-a'`);
    expect(conv[0]!.owner).toBe('person');
    // Relayed messages are events naming the message's number in the transcript.
    const { rows: relayed } = await t.db.query<{ seq: number }>(
      `SELECT (o.payload->>'seq')::int AS seq FROM handoff_outbox o JOIN handoffs h ON h.id = o.handoff_id WHERE h.conversation_id = 'res-a' AND o.type = 'message'`,
    );
    const seqOf = async (text: string) =>
      (await t.db.query<{ seq: number }>(`SELECT seq::int AS seq FROM messages WHERE conversation_id = 'res-a' AND direction = 'in' AND body->>'text' = $1`, [text])).rows[0]?.seq;
    const relayedSeqs = relayed.map((r) => r.seq);
    expect(relayedSeqs).toContain(await seqOf(A.message));
    const request = await seqOf('send me my data');
    expect(request).toBeDefined();
    expect(relayedSeqs).not.toContain(request);
    // Only the hash of the link's secret is stored.
    const token = url.split('/').pop()!;
    const { rows: links } = await t.db.query<{ token_hash: string }>(`SELECT token_hash FROM data_export_links WHERE conversation_id = 'res-a'`);
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((l) => l.token_hash !== token && /^[0-9a-f]{64}$/.test(l.token_hash))).toBe(true);
  });

  it('the page the link opens does not use it up (link previews); the HTML copy has all of A and nothing of B, escaped', async () => {
    const { url } = await ask('res-a', 'my data');
    for (let i = 0; i < 3; i++) {
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      // Two buttons posting back to the page's own address.
      expect(html.match(/<form method="post">/g)).toHaveLength(2);
      expect(html).toContain('<input type="hidden" name="format" value="html">');
      expect(html).toContain('<input type="hidden" name="format" value="json">');
      expect(html).not.toContain('MarkerAlpha');
    }
    const res = await post(url, 'html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/script-src|unsafe-eval/);
    const html = await res.text();
    // Every marker A planted: the free-text answer, the message to the adviser.
    expect(html).toContain('MarkerAlphaValues I like helping people');
    expect(html).toContain('MarkerAlphaMessage are you there?');
    expect(html).not.toContain('MarkerBravo');
    // What the resident typed is shown as text, never run.
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(html).toMatch(/<td dir="auto"[^>]*>MarkerAlphaValues/);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    // Every section, described in plain words; the course, the jobs and the adviser chat are there.
    for (const heading of ['Your chat', 'Your answers', 'Messages', 'Course places', 'Your application', 'Talking to an adviser', 'What you agreed to', 'Privacy log']) {
      expect(html).toContain(`>${heading}</h2>`);
    }
    expect(html).toMatch(/<td>I Can - [^<]+<\/td><td>\w+day \d+ \w+ \d{4}, [^<]+<\/td>/);
    expect(html).toContain('<tr><td>postcode</td><td dir="auto" lang="en">B11 3AA</td></tr>');
    expect(html).toContain('<td>Porter</td><td>University Hospitals Birmingham NHS Foundation Trust</td>');
    expect(html).toContain('resident asked');
    // The JSON is offered as a download from the page itself, and holds the same markers.
    const link = /href="(data:application\/json;charset=utf-8,[^"]+)" download="anchorline-my-data.json"/.exec(html);
    expect(link).not.toBeNull();
    const json = decodeURIComponent(link![1]!.replace(/&amp;/g, '&').slice('data:application/json;charset=utf-8,'.length));
    expect(JSON.parse(json).answers.some((a: { value: unknown }) => JSON.stringify(a.value).includes('MarkerAlphaValues'))).toBe(true);
    // Nothing is loaded from elsewhere.
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/(src|href)="https?:/);
    // The privacy audit: the link made and the copy taken, both by the resident.
    const audit = await privacyAuditOf(t.db, 'res-a');
    expect(audit.filter((e) => e.action === 'exported').map((e) => e.actor)).toEqual(['resident']);
    expect(audit.some((e) => e.action === 'export_link_created' && e.actor === 'resident')).toBe(true);
  });

  it('works once: a second use, even in the other format, is told plainly the link has been used or has expired', async () => {
    const { url } = await ask('res-b', 'download my data');
    const token = url.split('/').pop()!;
    const kept = async () =>
      (await t.db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM messages WHERE body::text LIKE $1) + (SELECT count(*) FROM processed_activities WHERE replies::text LIKE $1) AS n`,
        [`%${token}%`],
      )).rows[0]!.n;
    // Until it is used, the chat keeps the link (it is how the resident gets it)...
    expect(Number(await kept())).toBeGreaterThan(0);
    const first = await post(url, 'json');
    expect(first.status).toBe(200);
    // ...and once used, it is masked wherever the transcript keeps it.
    expect(Number(await kept())).toBe(0);
    expect(first.headers.get('content-disposition')).toBe('attachment; filename="anchorline-my-data.json"');
    expect(first.headers.get('cache-control')).toBe('no-store');
    const data = (await first.json()) as { conversation: { id: string }; transcript: Array<{ text: string }>; answers: unknown[] };
    expect(data.conversation.id).toBe('res-b');
    const all = JSON.stringify(data);
    expect(all).toContain('MarkerBravoMessage hello adviser');
    expect(all).toContain('MarkerBravoTyped');
    expect(all).not.toContain('MarkerAlpha');
    // What the adviser was shown about B is part of the copy.
    const handoffs = (data as unknown as { handoffs: Array<{ reason: string; summary: Array<[string, unknown]> }> }).handoffs;
    expect(handoffs.map((h) => h.reason)).toEqual(['resident_asked']);
    expect(handoffs[0]!.summary.map(([label]) => label)).toContain('Age');

    for (const again of [() => post(url, 'json'), () => post(url, 'html'), () => fetch(url)]) {
      const res = await again();
      expect(res.status).toBe(410);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const page = await res.text();
      expect(page).toContain('This link has been used or has expired. Ask again in the chat: send me my data.');
      expect(page).not.toContain('MarkerBravo');
    }
  });

  it('two uses at once: exactly one gets the copy', async () => {
    const { url } = await ask('res-b', 'copy of my data');
    const statuses = (await Promise.all([post(url, 'json'), post(url, 'json'), post(url, 'html')])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 410, 410]);
  });

  it('stops working when it expires, and a made-up or malformed token gets the same plain words', async () => {
    const { url } = await ask('res-b', 'what do you know about me');
    clockOffsetMs = 31 * 60_000;
    try {
      expect((await fetch(url)).status).toBe(410);
      const late = await post(url);
      expect(late.status).toBe(410);
      expect(await late.text()).toContain('This link has been used or has expired.');
    } finally {
      clockOffsetMs = 0;
    }
    // Expiry is not use: had the clock not moved, the link would still work.
    expect((await fetch(url)).status).toBe(200);
    const madeUp = await post(`${base}/privacy/export/${'A'.repeat(43)}`);
    expect(madeUp.status).toBe(410);
    const malformed = await fetch(`${base}/privacy/export/not-a-token`);
    expect(malformed.status).toBe(404);
    expect(await malformed.text()).toContain('This link has been used or has expired. Ask again in the chat: send me my data.');
  });

  it('in Urdu, "میرا ڈیٹا بھیجیں" gives the link with Urdu words', async () => {
    await send('res-ur', 'hello');
    await send('res-ur', undefined, 'ur');
    const { said, url } = await ask('res-ur', 'میرا ڈیٹا بھیجیں');
    expect(said).toContain('یہ لنک صرف ایک بار کام کرے گا');
    expect((await fetch(url)).status).toBe(200);
  });
});
