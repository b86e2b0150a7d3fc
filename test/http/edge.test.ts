/**
 * The edge through the real server (buildApp): one error shape and status table on every route
 * (issue 10 item 6), BODY_LIMIT on every route, invalid Unicode and over-deep JSON refused with 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorStatus, type ErrorCode } from '../../src/errors.ts';
import { createPartnerCredential } from '../../src/store/partnerCredentials.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { ADMIN_TOKEN, CONNECTOR, SLACK_CHANNEL, startEdgeApp, type Answer, type EdgeApp } from '../edge/edgeApp.ts';

const LIMIT = 8 * 1024;
const ORIGIN = 'https://partner.example';
const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };

let t: TestDb;
let e: EdgeApp;
let dl: { conversationId: string; token: string };
/** A partner credential of uhb (partner routes take these; ADMIN_TOKEN opens operator routes only). */
let partnerToken: string;

beforeAll(async () => {
  t = await createTestDb();
  e = await startEdgeApp(t.db, { BODY_LIMIT: '8kb', WIDGET_ORIGINS: ORIGIN });
  dl = await e.startConversation();
  const c = await createPartnerCredential(t.db, { partnerId: 'uhb', label: 'edge test' });
  if (c.type !== 'created') throw new Error('no partner uhb');
  partnerToken = c.token;
});
afterAll(async () => {
  await e?.close();
  await t?.close();
});

/** The answer is `{error:{code,message}}` with the status the one table gives its code. */
function expectError(a: Answer, code: ErrorCode, message?: RegExp): void {
  const body = JSON.parse(a.text) as { error: { code: string; message: string } };
  expect({ status: a.status, code: body.error.code }).toEqual({ status: errorStatus[code], code });
  expect(body.error.message).toEqual(expect.any(String));
  if (message) expect(body.error.message).toMatch(message);
}

const activitiesPath = () => `/v3/directline/conversations/${dl.conversationId}/activities`;
const dlHeaders = () => ({ ...json, authorization: `Bearer ${dl.token}` });
const bfActivity = (over: Record<string, unknown> = {}) => ({
  type: 'message',
  id: 'edge-1',
  channelId: 'emulator',
  serviceUrl: `${CONNECTOR}/`,
  conversation: { id: 'edge-conv' },
  from: { id: 'edge-user' },
  recipient: { id: 'bot' },
  text: 'hi',
  ...over,
});
const slackEvent = (text: string) =>
  JSON.stringify({
    type: 'event_callback',
    team_id: 'T1',
    api_app_id: 'A1',
    event_id: `Ev${Math.random().toString(36).slice(2)}`,
    event_time: 1,
    event: { type: 'message', channel: SLACK_CHANNEL, user: 'U1', text, ts: '1700000001.000100', thread_ts: '1700000000.000001' },
  });

/** Every JSON entry point, as (path, headers for a body); Slack's are signed over the exact bytes. */
function jsonRoutes(): Array<[string, (body: string | Uint8Array) => Promise<Answer>]> {
  return [
    ['Direct Line activity', (body) => e.send('POST', activitiesPath(), { body, headers: dlHeaders() })],
    ['Direct Line start', (body) => e.send('POST', '/v3/directline/conversations', { body, headers: { ...json, 'x-forwarded-for': '10.9.9.9' } })],
    ['Direct Line token', (body) => e.send('POST', '/v3/directline/tokens/generate', { body, headers: { ...json, 'x-forwarded-for': '10.9.9.8' } })],
    ['/api/messages', (body) => e.send('POST', '/api/messages', { body, headers: json })],
    ['Slack event', (body) => e.send('POST', '/slack/events', { body, headers: { ...json, ...e.slackSignature(body) } })],
    ['admin', (body) => e.send('POST', '/admin/applications/1/status', { body, headers: { ...json, authorization: `Bearer ${partnerToken}` } })],
  ];
}

describe('one error type, one table', () => {
  it('answers every route with {error:{code,message}} and the status of its code', async () => {
    expectError(await e.send('POST', '/admin/flows/reload'), 'unauthorized');
    expectError(await e.send('GET', '/admin/partners/NOT%20OK/applications', { headers: { authorization: `Bearer ${partnerToken}` } }), 'partner_id_invalid');
    expectError(await e.send('GET', '/admin/partners/uhb/applications', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }), 'forbidden');
    expectError(await e.send('GET', '/admin/partners/bchc/applications', { headers: { authorization: `Bearer ${partnerToken}` } }), 'forbidden');
    expectError(await e.send('GET', '/nowhere'), 'not_found');
    expectError(await e.send('GET', `${activitiesPath()}?watermark=abc`, { headers: dlHeaders() }), 'bad_watermark');
    expectError(await e.send('GET', activitiesPath()), 'unauthorized');
    expectError(await e.send('POST', activitiesPath(), { body: '{"type":"message"', headers: dlHeaders() }), 'malformed_json');
    expectError(await e.send('POST', '/admin/flows/reload', { body: '{"type":', headers: { ...json, authorization: `Bearer ${ADMIN_TOKEN}` } }), 'malformed_json');
    expectError(await e.send('POST', '/api/messages', { body: '{"type":', headers: json }), 'malformed_json');
  });

  it('refuses what botbuilder and the engine would fail on as the client fault it is (400, not 500 or 503)', async () => {
    // CloudAdapter throws on these, and a 500 makes a channel send them again for ever.
    expectError(await e.send('POST', '/api/messages', { body: '{"type":5}', headers: json }), 'bad_activity');
    expectError(await e.send('POST', '/api/messages', { body: '[1,2]', headers: json }), 'bad_activity');
    expectError(await e.send('POST', '/api/messages', { body: JSON.stringify(bfActivity({ serviceUrl: 'javascript:alert(1)' })), headers: json }), 'bad_activity');
    // The engine refuses an empty activity id; that used to be a 503 "try again".
    expectError(await e.send('POST', activitiesPath(), { body: JSON.stringify({ type: 'message', id: '', text: 'hi' }), headers: dlHeaders() }), 'bad_activity', /activityId/);
    // A well-formed activity still goes through.
    expect((await e.send('POST', '/api/messages', { body: JSON.stringify(bfActivity()), headers: json })).status).toBe(200);
  });
});

describe('BODY_LIMIT on every route', () => {
  const big = JSON.stringify({ type: 'message', text: 'x'.repeat(LIMIT) });

  it('refuses a body over the limit with 413 on Direct Line, /api/messages, Slack and admin', async () => {
    for (const [name, post] of jsonRoutes()) {
      const a = await post(big);
      expect({ name, status: a.status }).toEqual({ name, status: 413 });
      expectError(a, 'body_too_large');
    }
    const payload = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ value: 'y'.repeat(LIMIT) }] }))}`;
    expectError(await e.send('POST', '/slack/events', { body: payload, headers: { ...form, ...e.slackSignature(payload) } }), 'body_too_large');
    // Unsigned, of a type no route reads: still not buffered beyond the limit.
    expectError(await e.send('POST', '/slack/events', { body: 'z'.repeat(LIMIT + 1), headers: { 'content-type': 'text/plain' } }), 'body_too_large');
  });

  it('counts a chunked body (no Content-Length) too, and answers Direct Line with its CORS headers', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode('x'.repeat(LIMIT / 2)));
        c.close();
      },
    });
    const res = await fetch(`${e.base}/api/messages`, { method: 'POST', headers: json, body: chunks, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    const dlBig = await e.send('POST', activitiesPath(), { body: big, headers: { ...dlHeaders(), origin: ORIGIN } });
    expect(dlBig.status).toBe(413);
    expect(dlBig.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('leaves Slack signature verification intact under the limit', async () => {
    const body = slackEvent('a reply in a thread nobody owns');
    expect((await e.send('POST', '/slack/events', { body, headers: { ...json, ...e.slackSignature(body) } })).status).toBe(200);
    expect((await e.send('POST', '/slack/events', { body, headers: { ...json, ...e.slackSignature(`${body} `) } })).status).toBe(401);
  });
});

describe('invalid Unicode and over-deep JSON', () => {
  const deep = (n: number) => `{"type":"message","text":"hi","value":${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`;
  const poison: Array<[string, string | Uint8Array, ErrorCode, RegExp]> = [
    ['NUL escape', '{"type":"message","text":"a\\u0000b"}', 'invalid_unicode', /\$\.text contains U\+0000/],
    ['NUL in a key', '{"type":"message","text":"a","value":{"k\\u0000":1}}', 'invalid_unicode', /\$\.value has a key that contains U\+0000/],
    ['lone high surrogate', '{"type":"message","text":"\\ud800"}', 'invalid_unicode', /lone surrogate/],
    ['lone low surrogate in an array', '{"type":"message","text":"x","attachments":["ok","\\udc00"]}', 'invalid_unicode', /\$\.attachments\[1\] contains a lone surrogate/],
    ['invalid UTF-8 byte', Buffer.concat([Buffer.from('{"type":"message","text":"'), Buffer.from([0xff]), Buffer.from('"}')]), 'invalid_unicode', /not valid UTF-8/],
    ['UTF-8-encoded surrogate', Buffer.concat([Buffer.from('{"type":"message","text":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), 'invalid_unicode', /not valid UTF-8/],
    ['overlong NUL', Buffer.concat([Buffer.from('{"type":"message","text":"'), Buffer.from([0xc0, 0x80]), Buffer.from('"}')]), 'invalid_unicode', /not valid UTF-8/],
    ['33 levels deep', deep(33), 'json_too_deep', /more than 32 levels/],
    ['2000 levels deep', '['.repeat(2000) + ']'.repeat(2000), 'json_too_deep', /more than 32 levels/],
  ];

  it('refuses each with 400 and a clear message on every JSON route', async () => {
    for (const [route, post] of jsonRoutes()) {
      for (const [what, body, code, message] of poison) {
        const a = await post(body);
        expect({ route, what, status: a.status }).toEqual({ route, what, status: 400 });
        expectError(a, code, message);
      }
    }
  });

  it('checks Slack form bodies and the JSON payload inside them', async () => {
    for (const [what, payload, code] of [
      ['NUL in a command', 'command=%2Fanchorline&text=a%00b', 'invalid_unicode'],
      ['invalid UTF-8 in a field', 'command=%2Fanchorline&text=%FF', 'invalid_unicode'],
      ['NUL escape in an action payload', `payload=${encodeURIComponent('{"type":"block_actions","user":{"id":"U\\u0000"}}')}`, 'invalid_unicode'],
      ['lone surrogate in an action payload', `payload=${encodeURIComponent('{"type":"block_actions","actions":[{"value":"\\udbff"}]}')}`, 'invalid_unicode'],
      ['deep action payload', `payload=${encodeURIComponent(`{"a":${'['.repeat(40)}${']'.repeat(40)}}`)}`, 'json_too_deep'],
    ] as const) {
      const a = await e.send('POST', '/slack/events', { body: payload, headers: { ...form, ...e.slackSignature(payload) } });
      expect({ what, status: a.status }).toEqual({ what, status: 400 });
      expectError(a, code);
    }
  });

  it('accepts what is valid: astral characters as an escaped pair, right-to-left text, 32 levels', async () => {
    const ok = await e.send('POST', activitiesPath(), { body: '{"type":"message","text":"\\ud83d\\ude00 مرحبا \\u202e"}', headers: dlHeaders() });
    expect(ok.status).toBe(200);
    const deep32 = await e.send('POST', activitiesPath(), { body: deep(32), headers: dlHeaders() });
    expect(deep32.status).toBe(200);
  });

  it('refuses a Direct Line message with U+0000 and keeps serving everyone (it used to poison the embedded database)', async () => {
    const c = await e.startConversation();
    const headers = { ...json, authorization: `Bearer ${c.token}` };
    const path = `/v3/directline/conversations/${c.conversationId}/activities`;
    expectError(await e.send('POST', path, { body: JSON.stringify({ type: 'message', text: 'hello\u0000' }), headers }), 'invalid_unicode');
    expect((await e.send('GET', '/readyz')).status).toBe(200);
    const before = JSON.parse((await e.send('GET', path, { headers })).text) as { watermark: string };
    expect((await e.send('POST', path, { body: JSON.stringify({ type: 'message', text: 'hello' }), headers })).status).toBe(200);
    const after = JSON.parse((await e.send('GET', `${path}?watermark=${before.watermark}`, { headers })).text) as { activities: Array<{ from: { role: string } }> };
    expect(after.activities.map((a) => a.from.role)).toEqual(expect.arrayContaining(['user', 'bot']));
  });
});
