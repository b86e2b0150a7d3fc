/**
 * The preview of a draft runs the real engine, actions and handoff desk on the real database,
 * and every turn is rolled back: what a coordinator sees in the chat is real, what residents see
 * (seats, bookings, handoffs, Slack) never changes.
 */
import { answerTyseley } from '../../helpers/postcodes.ts';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { writeFlowFiles } from '../../../src/flows/flowFiles.ts';
import { flowTestSchema, runFlowTest, type FlowTest } from '../../../src/flows/flowTest.ts';
import type { Db } from '../../../src/store/db.ts';
import type { Handoffs } from '../../../src/channels/slack/createHandoffs.ts';
import { env, seedSession } from '../../domain/courses/fixtures.ts';
import { shippedEngine, testDesk } from '../../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { startPreviewServer, textsOf, type PreviewServer } from './previewHarness.ts';

type Activity = { type: string; id: string; text?: string; timestamp: string; suggestedActions?: { actions: Array<{ value: string; title: string }> } };
type Started = { id: string; activities: Activity[] };

let t: TestDb;
let other: Db;
let preview: PreviewServer;
let desk: Handoffs;
const slackCalls: string[] = [];

const SESSION = 'preview-sess-1';
const POSTCODES = 'http://postcodes.test';
const sessionsAnswer = { sessions: { count: 1, sessions: [{ id: SESSION, label: 'Test course: Mon 11 Jan, Hall' }] }, language: 'en' };

async function seats(): Promise<{ taken: number; bookings: number }> {
  const { rows } = await other.query<{ taken: number; bookings: number }>(
    `SELECT (SELECT taken FROM course_sessions WHERE id = $1) AS taken, (SELECT count(*)::int FROM bookings WHERE session_id = $1) AS bookings`,
    [SESSION],
  );
  return rows[0]!;
}

/** Runs a saved test with the flow test runner on the draft's files written to a folder, as `flows test` would. */
async function replay(test: FlowTest, saved: { path: string; text: string }): Promise<{ turns: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'preview-flowtest-'));
  try {
    // The draft's files, with the programme data files the loader reads names from.
    const flowsDir = path.join(dir, 'flows');
    await writeFlowFiles({ ...preview.draft.files, [saved.path]: saved.text }, flowsDir, path.join(dir, 'locales'));
    for (const f of readdirSync('flows')) if (/^(courses|partners|programmes)\.yaml$/.test(f) || f === 'safeguarding') cpSync(path.join('flows', f), path.join(flowsDir, f), { recursive: true });
    return await runFlowTest(test, { db: t.db, flowsDir, localesDir: path.join(dir, 'locales'), actions: preview.actions.names().map((n) => preview.actions.get(n)!) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  t = await createTestDb();
  // A second pool on the same schema: what another process (or a resident's turn) sees.
  other = await t.another();
  await seedSession(t.db, SESSION, 1);
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  // Every request leaving for anywhere but this test's own server (Slack's API above all).
  nock.emitter.on('no match', (req: { hostname?: string; host?: string }) => {
    const host = String(req.hostname ?? req.host);
    if (host !== '127.0.0.1') slackCalls.push(host);
  });
  // Slack configured: a real handoff would write an outbox event for the Slack worker.
  desk = testDesk(t.db, { botToken: 'xoxb-test', handoffChannel: 'C123', signingSecret: 'secret', apiUrl: 'https://slack.com/api/' });
  preview = await startPreviewServer(t.db, { desk, env: { POSTCODES_IO_URL: POSTCODES } });
});
afterAll(async () => {
  await preview?.close();
  nock.enableNetConnect();
  nock.cleanAll();
  await t?.close();
});

describe('preview of the draft, rolled back', () => {
  it('books a course session for real inside the turn, then leaves the seat count and the bookings table as they were', async () => {
    expect(await seats()).toEqual({ taken: 0, bookings: 0 });
    const started = await preview.api<Started>('POST', '/studio/api/preview', { step: 'choose_session', answers: sessionsAnswer });
    expect(started.status).toBe(201);
    expect(started.body.id).toMatch(/^preview-[0-9a-f-]{36}$/);
    expect(textsOf(started.body.activities)).toEqual(['Here are the next course dates. Which one would you like?']);
    expect(started.body.activities[0]!.suggestedActions?.actions.map((a) => a.value)).toEqual([SESSION]);

    const turn = await preview.api<{ activities: Activity[] }>('POST', `/studio/api/preview/${started.body.id}/activities`, {
      type: 'message',
      text: 'Test course: Mon 11 Jan, Hall',
      value: SESSION,
    });
    expect(turn.status).toBe(200);
    const texts = textsOf(turn.body.activities);
    expect(texts[0]).toContain('Your place is booked.');
    expect(texts.at(-1)).toContain('Which kinds of job interest you?');
    expect(turn.body.activities.every((a) => a.id && a.timestamp)).toBe(true);
    // Read by another connection after the turn: nothing was kept.
    expect(await seats()).toEqual({ taken: 0, bookings: 0 });
    const { rows } = await other.query(`SELECT id FROM conversations WHERE id LIKE 'preview-%'`);
    expect(rows).toEqual([]);
  });

  it('a preview turn holds the seat lock only for the turn: a resident books the last seat at once afterwards', async () => {
    const started = await preview.api<Started>('POST', '/studio/api/preview', { step: 'choose_session', answers: sessionsAnswer });
    await preview.api('POST', `/studio/api/preview/${started.body.id}/activities`, { type: 'message', value: SESSION });
    await other.query(`INSERT INTO conversations (id, channel, user_id) VALUES ('resident-1', 'test', 'resident-1')`);
    const began = Date.now();
    // A lock left behind would make this wait; lock_timeout turns waiting into an error instead.
    const result = await other.transaction((tx) => bookSession(tx, { conversationId: 'resident-1', sessionId: SESSION }, env), { statementTimeoutMs: 1000 });
    expect(result.type).toBe('booked');
    expect(Date.now() - began).toBeLessThan(1000);
    expect(await seats()).toEqual({ taken: 1, bookings: 1 });
    // The preview still books in its own turn (then undoes it): the session is now full for it.
    const again = await preview.api<Started>('POST', '/studio/api/preview', { step: 'choose_session', answers: sessionsAnswer });
    const turn = await preview.api<{ activities: Activity[] }>('POST', `/studio/api/preview/${again.body.id}/activities`, { type: 'message', value: SESSION });
    expect(textsOf(turn.body.activities).join(' ')).not.toContain('Your place is booked.');
    expect(await seats()).toEqual({ taken: 1, bookings: 1 });
  });

  it('asking for a person shows the handoff in the chat but writes no handoff or outbox row and calls nobody', async () => {
    const started = await preview.api<Started>('POST', '/studio/api/preview', {});
    expect(textsOf(started.body.activities)[0]).toContain('Hello! I am Anchorline.');
    const turn = await preview.api<{ activities: Activity[] }>('POST', `/studio/api/preview/${started.body.id}/activities`, { type: 'message', text: 'talk to a person' });
    expect(turn.status).toBe(200);
    // The coordinator sees what a resident would: the handoff was requested.
    expect(turn.body.activities.map((a) => (a as { channelData?: { handoffStatus?: string } }).channelData?.handoffStatus)).toContain('requested');
    const { rows } = await other.query<{ handoffs: number; outbox: number; audit: number }>(
      `SELECT (SELECT count(*)::int FROM handoffs) AS handoffs, (SELECT count(*)::int FROM handoff_outbox) AS outbox, (SELECT count(*)::int FROM handoff_audit) AS audit`,
    );
    expect(rows[0]).toEqual({ handoffs: 0, outbox: 0, audit: 0 });
    expect(slackCalls).toEqual([]);
    // The handoff is undone with the turn: the next message goes to the flow again.
    const next = await preview.api<{ activities: Activity[] }>('POST', `/studio/api/preview/${started.body.id}/activities`, { type: 'message', text: 'English', value: 'en' });
    expect(textsOf(next.body.activities).join(' ')).toContain('Is it OK for us to keep your answers?');
    // The same request from a resident, outside a preview, does write them (so the zeros above mean something).
    const live = await shippedEngine(t.db, { desk });
    await live.send('live-resident-2', 'hello');
    await live.send('live-resident-2', 'talk to a person');
    const { rows: after } = await other.query<{ handoffs: number; outbox: number }>(
      `SELECT (SELECT count(*)::int FROM handoffs) AS handoffs, (SELECT count(*)::int FROM handoff_outbox) AS outbox`,
    );
    expect(after[0]!.handoffs).toBe(1);
    expect(after[0]!.outbox).toBeGreaterThan(0);
  });

  it('a changed draft shows its new wording while the live engine keeps the old', async () => {
    const before = preview.draft.files;
    const core = JSON.parse(before['locales/en/core.json']!) as { welcome: Record<string, string> };
    core.welcome['greeting'] = 'Hi there! This is the new greeting from the draft.';
    preview.draft.files = { ...before, 'locales/en/core.json': JSON.stringify(core, null, 2) };
    try {
      const started = await preview.api<Started>('POST', '/studio/api/preview', {});
      expect(textsOf(started.body.activities)[0]).toBe('Hi there! This is the new greeting from the draft.');
      const live = await shippedEngine(t.db);
      const replies = await live.send('live-resident-1', 'hello');
      expect(replies[0]).toMatchObject({ text: expect.stringContaining('Hello! I am Anchorline.') });
    } finally {
      preview.draft.files = before;
    }
  });

  it('words what actions say (the eligibility reason) with the draft too, not only the flow\'s questions', async () => {
    answerTyseley(POSTCODES);
    const before = preview.draft.files;
    const eligibility = JSON.parse(before['locales/en/eligibility.json']!) as { eligibility: { decision: Record<string, string> } };
    eligibility.eligibility.decision['eligible'] = 'Great news, from the draft: {{programme}} is open to you.';
    preview.draft.files = { ...before, 'locales/en/eligibility.json': JSON.stringify(eligibility, null, 2) };
    try {
      const started = await preview.api<Started>('POST', '/studio/api/preview', {});
      const say = (body: { text?: string; value?: string }) => preview.api<{ activities: Activity[] }>('POST', `/studio/api/preview/${started.body.id}/activities`, { type: 'message', ...body });
      for (const m of [{ value: 'en' }, { value: 'yes' }, { text: '19' }, { value: 'unemployed' }, { value: 'never' }, { text: 'yes' }]) await say(m);
      const decision = textsOf((await say({ text: 'b11 3aa' })).body.activities).join('\n');
      expect(decision).toContain('Great news, from the draft: I Can is open to you.');
      expect(decision).not.toContain('Good news! You can join');
    } finally {
      preview.draft.files = before;
    }
  });

  it('starts at a question with sample answers: that question is the first thing shown', async () => {
    const started = await preview.api<Started>('POST', '/studio/api/preview', { step: 'licence', answers: { age: 19, job_families: ['medical'] } });
    expect(started.status).toBe(201);
    expect(textsOf(started.body.activities)[0]).toContain('driving licence');
  });

  it('refuses an unknown start step with a suggestion, and an answer of the wrong type', async () => {
    const bad = await preview.api<{ error: { code: string; message: string; suggestion?: string } }>('POST', '/studio/api/preview', { step: 'choose_sesion' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('did you mean "choose_session"?');
    expect(bad.body.error.suggestion).toBe('choose_session');
    const wrong = await preview.api<{ error: { message: string } }>('POST', '/studio/api/preview', { step: 'licence', answers: { age: 'nineteen' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('answer "age" should be a number');
    const noCsrf = await fetch(`${preview.base}/studio/api/preview`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noCsrf.status).toBe(403);
  });

  it('saves the conversation as a flow test that passes with the flow test runner on the same draft files', async () => {
    const started = await preview.api<Started>('POST', '/studio/api/preview', {});
    for (const value of ['en', 'no']) await preview.api('POST', `/studio/api/preview/${started.body.id}/activities`, { type: 'message', value });
    const saved = await preview.api<{ path: string; text: string }>('POST', `/studio/api/preview/${started.body.id}/flow-test`, { name: 'Refusing consent (from a preview)' });
    expect(saved.status).toBe(200);
    expect(saved.body.path).toBe('flows/tests/refusing-consent-from-a-preview.test.yaml');
    const test = flowTestSchema.parse(parse(saved.body.text));
    expect(test.steps).toContainEqual({ expect: 'consent.refused' });

    expect((await replay(test, saved.body)).turns).toBe(3);
  });

  it('saves a conversation through real actions as a flow test whose fakes are what the actions returned', async () => {
    answerTyseley(POSTCODES);
    const started = await preview.api<Started>('POST', '/studio/api/preview', {});
    const say = (body: { text?: string; value?: string }) => preview.api<{ activities: Activity[] }>('POST', `/studio/api/preview/${started.body.id}/activities`, { type: 'message', ...body });
    for (const m of [{ value: 'en' }, { value: 'yes' }, { text: '19' }, { value: 'unemployed' }, { value: 'never' }, { text: 'yes' }]) await say(m);
    const decision = await say({ text: 'b11 3aa' });
    expect(textsOf(decision.body.activities).join('\n')).toContain('Good news! You can join I Can.');
    const saved = await preview.api<{ path: string; text: string }>('POST', `/studio/api/preview/${started.body.id}/flow-test`, { name: 'Eligible in Tyseley' });
    const test = flowTestSchema.parse(parse(saved.body.text));
    expect(Object.keys(test.fakes).sort()).toEqual(['checkEligibility', 'listSessions']);
    expect(test.fakes['checkEligibility']!.result).toMatchObject({ outcome: 'eligible', programme: { id: 'i-can' } });
    expect(test.steps).toContainEqual({ click: 'never' });
    expect(test.steps).toContainEqual({ send: 'b11 3aa' });
    // No network in the replay: the fakes stand in for postcodes.io and the course table.
    expect((await replay(test, saved.body)).turns).toBe(8);
  });

  it('refuses to start on a draft with problems and says which', async () => {
    const before = preview.draft.files;
    preview.draft.files = { ...before, 'flows/main.flow.yaml': before['flows/main.flow.yaml']!.replace('goto: thanks', 'goto: thankz') };
    try {
      const refused = await preview.api<{ error: { code: string; message: string; problems: Array<{ file: string; line: number; message: string }> } }>('POST', '/studio/api/preview', {});
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('flows_invalid');
      expect(refused.body.error.problems[0]).toMatchObject({ file: 'flows/main.flow.yaml', message: expect.stringContaining('thankz') });
      expect(refused.body.error.message).toContain('flows/main.flow.yaml');
      const page = await fetch(`${preview.base}/studio/preview`);
      expect(await page.text()).toContain('The draft has problems, so it cannot be previewed');
    } finally {
      preview.draft.files = before;
    }
  });

  it('ends a preview on DELETE; another message to it is 404', async () => {
    const started = await preview.api<Started>('POST', '/studio/api/preview', {});
    expect((await preview.api('DELETE', `/studio/api/preview/${started.body.id}`)).status).toBe(204);
    const gone = await preview.api('POST', `/studio/api/preview/${started.body.id}/activities`, { type: 'message', text: 'hello' });
    expect(gone.status).toBe(404);
  });
});
