/**
 * POST /api/messages through botbuilder's CloudAdapter; replies to the channel's serviceUrl
 * (the Bot Connector) are intercepted with nock.
 */
import { createSign, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BotFrameworkConfigError, createBotFrameworkChannel, type BotFrameworkChannel } from '../../../src/channels/web/botframework.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import pino from 'pino';
const silentLogger = pino({ level: process.env.BF_DEBUG ? 'debug' : 'silent' });
import { createMinimalEngine } from './minimalEngine.ts';

const CONNECTOR_HOST = 'connector.example.test';
const SERVICE_URL = `https://${CONNECTOR_HOST}/`;

let t: TestDb;
let engine: ReturnType<typeof createMinimalEngine>;

async function serve(channel: BotFrameworkChannel) {
  const app = express();
  app.use(channel.router);
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  return {
    post: (body: unknown, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
    close: async () => {
      await channel.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function activity(over: Record<string, unknown>) {
  return {
    type: 'message',
    id: 'act-1',
    channelId: 'emulator',
    serviceUrl: SERVICE_URL,
    conversation: { id: 'conv-1' },
    from: { id: 'user-1', name: 'Resident' },
    recipient: { id: 'bot-1', name: 'Anchorline' },
    locale: 'en-GB',
    ...over,
  };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Records what the bot sends to the Bot Connector. */
function connector(path: RegExp, times: number) {
  const bodies: Array<Record<string, unknown>> = [];
  const scope = nock(SERVICE_URL)
    .post(path)
    .times(times)
    .reply(200, (_uri, body) => {
      bodies.push(body as Record<string, unknown>);
      return { id: `sent-${bodies.length}` };
    });
  return { bodies, scope };
}

beforeAll(async () => {
  t = await createTestDb();
  engine = createMinimalEngine(t.db);
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await t?.close();
});

describe('Bot Framework adapter without an app id (development)', () => {
  it('greets on conversationUpdate, answers a message in-line, and does not double-post a retried activity', async () => {
    const channel = await createBotFrameworkChannel({ engine, db: t.db, logger: silentLogger, appType: 'MultiTenant', nodeEnv: 'test', serviceUrlHosts: [CONNECTOR_HOST] });
    const s = await serve(channel);
    try {
      const greet = connector(/\/v3\/conversations\/conv-1\/activities\/join-1$/, 1);
      const joined = await s.post(activity({ type: 'conversationUpdate', id: 'join-1', membersAdded: [{ id: 'user-1' }] }));
      expect(joined.status).toBe(200);
      expect(greet.scope.isDone()).toBe(true);
      expect(greet.bodies[0]).toMatchObject({
        type: 'message',
        text: 'Welcome to Anchorline. Shall we start?',
        replyToId: 'join-1',
        suggestedActions: { to: [], actions: [{ type: 'messageBack', title: 'Yes please', value: 'yes' }, { type: 'messageBack', title: 'Not now', value: 'no' }] },
      });

      const replies = connector(/\/v3\/conversations\/conv-1\/activities\/act-1$/, 2);
      const res = await s.post(activity({ text: 'hello' }));
      expect(res.status).toBe(200);
      expect(replies.bodies.map((b) => [b.type, b.text])).toEqual([
        ['typing', undefined],
        ['message', 'You said: hello'],
      ]);
      expect(engine.turns.at(-1)).toMatchObject({ conversationId: 'bf:emulator:conv-1', channel: 'botframework', activityId: 'act-1', text: 'hello', locale: 'en-GB', user: { id: 'bf:emulator:user-1' } });

      // The channel retries the same activity: the engine returns its first replies and runs nothing,
      // and nothing is posted again (an unexpected post would fail: the network is closed).
      const turnsBefore = engine.turns.length;
      const retried = await s.post(activity({ text: 'hello' }));
      expect(retried.status).toBe(200);
      expect(engine.turns.length).toBe(turnsBefore + 1);
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = 'bf:emulator:conv-1' AND delivered_at IS NULL AND direction = 'out'`);
      expect(rows[0]).toEqual({ n: 0 });

      // No consent yet: the channel's address is not kept. Once the resident agreed, it is (without display names).
      const address = async () =>
        (await t.db.query<{ address: Record<string, unknown> | null }>(`SELECT address FROM conversations WHERE id = 'bf:emulator:conv-1'`)).rows[0]!.address;
      expect(await address()).toBeNull();
      await t.db.query(`UPDATE conversations SET consent = true WHERE id = 'bf:emulator:conv-1'`);
      const again = connector(/\/v3\/conversations\/conv-1\/activities\/act-2$/, 2);
      expect((await s.post(activity({ id: 'act-2', text: 'hello again', from: { id: 'user-1', name: 'Ayesha Khan' } }))).status).toBe(200);
      expect(again.bodies.map((b) => b.text)).toContain('You said: hello again');
      expect(await address()).toMatchObject({ serviceUrl: SERVICE_URL, conversation: { id: 'conv-1' }, user: { id: 'user-1' } });
      expect(JSON.stringify(await address())).not.toContain('Ayesha');
    } finally {
      await s.close();
    }
  });

  it('passes a card button value to the engine and delivers later messages proactively through the stored reference', async () => {
    const channel = await createBotFrameworkChannel({ engine, db: t.db, logger: silentLogger, appType: 'MultiTenant', nodeEnv: 'development', proactiveGraceMs: 0, serviceUrlHosts: [CONNECTOR_HOST] });
    const s = await serve(channel);
    try {
      const reply = connector(/\/v3\/conversations\/conv-2\/activities\/act-9$/, 1);
      await s.post(activity({ id: 'act-9', conversation: { id: 'conv-2' }, value: { choice: 'book:s1', label: 'Book' } }));
      expect(reply.bodies[0]).toMatchObject({ text: 'You chose: "book:s1"' });
      expect(engine.turns.at(-1)).toMatchObject({ text: 'Book', value: 'book:s1' });
      // A person takes the conversation (a handoff): its next message keeps the address to reach them.
      await t.db.query(`UPDATE conversations SET owner = 'person' WHERE id = 'bf:emulator:conv-2'`);
      const relayed = connector(/\/v3\/conversations\/conv-2\/activities\/act-10$/, 2);
      await s.post(activity({ id: 'act-10', conversation: { id: 'conv-2' }, text: 'are you there?' }));
      expect(relayed.bodies.map((b) => b.text)).toContain('You said: are you there?');

      // An adviser answers later, outside any turn.
      const proactive = connector(/\/v3\/conversations\/conv-2\/activities$/, 1);
      await engine.sendProactive('bf:emulator:conv-2', [{ type: 'adviser', text: 'Hello, this is Sam.', adviserName: 'Sam' }]);
      for (let i = 0; i < 200 && proactive.bodies.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(proactive.bodies).toHaveLength(1);
      expect(proactive.bodies[0]).toMatchObject({ type: 'message', text: 'Sam: Hello, this is Sam.', textFormat: 'plain' });
      expect(await channel.deliverPending('bf:emulator:conv-2')).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe('/api/messages against abuse (issue 12)', () => {
  it('refuses an activity naming a foreign serviceUrl before anything is sent or run', async () => {
    const channel = await createBotFrameworkChannel({ engine, db: t.db, logger: silentLogger, appType: 'MultiTenant', nodeEnv: 'development', serviceUrlHosts: [CONNECTOR_HOST] });
    const s = await serve(channel);
    // Where an attacker would have the bot post (an internal service, say); nock answers if asked.
    const foreign = nock('https://internal.example.test').post(/.*/).reply(200, {});
    try {
      const before = engine.turns.length;
      for (const serviceUrl of ['https://internal.example.test/', `https://${CONNECTOR_HOST}.internal.example.test/`, `http://${CONNECTOR_HOST}/`]) {
        const res = await s.post(activity({ id: `act-foreign-${serviceUrl}`, conversation: { id: 'conv-foreign' }, serviceUrl, text: 'hello' }));
        expect(res.status).toBe(403);
        expect(await res.json()).toEqual({ error: { code: 'service_url_not_allowed', message: 'replies cannot be sent to this serviceUrl' } });
      }
      expect(foreign.isDone()).toBe(false);
      expect(engine.turns.length).toBe(before);
    } finally {
      await s.close();
    }
  });

  it('in production allows the Bot Framework hosts only, before the signature is even checked', async () => {
    const channel = await createBotFrameworkChannel({
      engine,
      db: t.db,
      logger: silentLogger,
      appId: '11111111-2222-3333-4444-555555555555',
      appPassword: 'not-a-real-password',
      appType: 'MultiTenant',
      nodeEnv: 'production',
    });
    const s = await serve(channel);
    try {
      const foreign = await s.post(activity({ id: 'act-prod-foreign', serviceUrl: 'https://attacker.trafficmanager.net/', text: 'hi' }));
      expect(foreign.status).toBe(403);
      // Teams' serviceUrl passes the host check and is then refused for want of a signature.
      const teams = await s.post(activity({ id: 'act-prod-teams', serviceUrl: 'https://smba.trafficmanager.net/emea/', text: 'hi' }));
      expect(teams.status).toBe(401);
      expect(await teams.json()).toMatchObject({ error: { code: 'unauthorized' } });
    } finally {
      await s.close();
    }
  });

  it('limits each conversation: a burst over the limit is refused with 429 and Retry-After, another conversation is not', async () => {
    let now = Date.now();
    const channel = await createBotFrameworkChannel({
      engine,
      db: t.db,
      logger: silentLogger,
      appType: 'MultiTenant',
      nodeEnv: 'test',
      serviceUrlHosts: [CONNECTOR_HOST],
      conversationRate: { perMinute: 60, burst: 3 },
      clock: () => now,
    });
    const s = await serve(channel);
    try {
      // Typing activities run no turn and send nothing, but count like any other.
      const typing = (conversation: string, n: number) => activity({ type: 'typing', id: `typing-${conversation}-${n}`, conversation: { id: conversation } });
      const statuses = [];
      for (let n = 0; n < 4; n++) statuses.push((await s.post(typing('conv-burst', n))).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await s.post(typing('conv-burst', 5));
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({ error: { code: 'too_many_messages' } });
      expect((await s.post(typing('conv-other', 0))).status).toBe(200);
      now += 1000;
      expect((await s.post(typing('conv-burst', 6))).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('Bot Framework adapter with an app id', () => {
  it('refuses a request without a token and one with a forged token, and never runs a turn', async () => {
    // The Bot Framework's published signing keys, as the adapter fetches them; the forger's key is not among them.
    const [published, forger] = await Promise.all([1, 2].map(() => promisify(generateKeyPair)('rsa', { modulusLength: 2048 })));
    const jwk = { ...published!.publicKey.export({ format: 'jwk' }), kid: 'published-key', use: 'sig', endorsements: ['emulator', 'webchat'] };
    nock('https://login.botframework.com')
      .persist()
      .get('/v1/.well-known/openidconfiguration')
      .reply(200, { issuer: 'https://api.botframework.com', jwks_uri: 'https://login.botframework.com/v1/.well-known/keys', id_token_signing_alg_values_supported: ['RS256'] })
      .get('/v1/.well-known/keys')
      .reply(200, { keys: [jwk] });
    nock('https://login.microsoftonline.com').persist().get(/.*/).reply(200, { jwks_uri: 'https://login.botframework.com/v1/.well-known/keys', issuer: 'x' });

    const appId = '11111111-2222-3333-4444-555555555555';
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'published-key' })}.${b64({
      iss: 'https://api.botframework.com',
      aud: appId,
      serviceurl: SERVICE_URL,
      nbf: now - 60,
      exp: now + 3600,
    })}`;
    const forged = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(forger!.privateKey).toString('base64url')}`;

    const channel = await createBotFrameworkChannel({
      engine,
      db: t.db,
      logger: silentLogger,
      appId,
      appPassword: 'not-a-real-password',
      appType: 'MultiTenant',
      nodeEnv: 'production',
      serviceUrlHosts: [CONNECTOR_HOST],
    });
    const s = await serve(channel);
    try {
      const before = engine.turns.length;
      const anonymous = await s.post(activity({ id: 'act-anon', channelId: 'webchat', text: 'hi' }));
      expect(anonymous.status).toBe(401);
      const refused = await s.post(activity({ id: 'act-forged', channelId: 'webchat', text: 'hi' }), { authorization: `Bearer ${forged}` });
      expect(refused.status).toBe(401);
      expect(engine.turns.length).toBe(before);
    } finally {
      await s.close();
    }
  });

  it('refuses to start in production without an app id', async () => {
    await expect(createBotFrameworkChannel({ engine, db: t.db, logger: silentLogger, appType: 'MultiTenant', nodeEnv: 'production' })).rejects.toBeInstanceOf(
      BotFrameworkConfigError,
    );
  });
});
