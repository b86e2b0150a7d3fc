/**
 * Every entry point of the app as a generator of poison requests. Each request is a client fault
 * or a normal request with odd content; none may be answered with a 5xx.
 */
import fc from 'fast-check';
import { clientAddress } from './edgeApp.ts';
import { asciiText, encoded, oddAuthorization, oddJson, oddSegment, oddText, orOdd, type Encoded, type Req } from './poisonArbitraries.ts';

export interface EntryContext {
  /** Requests per batch (sent together). */
  batchSize: number;
  /** Direct Line conversations to post into (a multiple of batchSize: a batch never uses one twice). */
  conversations: Array<{ conversationId: string; token: string }>;
  slackSignature(body: string | Uint8Array, timestamp?: number): Record<string, string>;
  adminToken: string;
  /** A partner credential (partner `uhb`): partner routes take only these. */
  partnerToken: string;
  connector: string;
  slackChannel: string;
  slackResponseUrl: string;
  /** A JWT in the Bot Framework's shape, signed with a key the Bot Framework never published. */
  forgedJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string;
}

export interface EntryPoint<T = unknown> {
  name: string;
  /**
   * A 5xx this entry point may answer for a reason that is not a client fault, e.g. botbuilder's
   * 501 for an `invoke` activity nobody implements (it is the documented answer, not a failure).
   */
  allowed?: (r: Req, status: number) => boolean;
  /** Which server: the app, or a second one whose /api/messages has an app id (production auth). */
  server: 'app' | 'production';
  arb: fc.Arbitrary<T>;
  /** `slot` is the request's place in its batch, `batch` the batch's number. */
  build(x: T, slot: number, batch: number): Req;
}

const entry = <T>(e: EntryPoint<T>): EntryPoint => e as EntryPoint;

function headers(enc: Encoded | undefined, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const h: Record<string, string> = enc?.contentType ? { 'content-type': enc.contentType } : {};
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) h[k] = v;
  return h;
}

/** Replaces the `@@` marker in generated ids, byte for byte, so that a batch never shares a conversation. */
function mark(body: string | Uint8Array, value: string): string | Uint8Array {
  if (typeof body === 'string') return body.replaceAll('@@', value);
  return Buffer.from(Buffer.from(body).toString('latin1').replaceAll('@@', value), 'latin1');
}

const locale = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('en', 'ur', 'ar', 'en-GB', 'pl-PL', 'zz', 'e', 'x'.repeat(30)) }, { weight: 1, arbitrary: oddText });

const startBody = fc.record(
  {
    user: orOdd(fc.record({ id: oddText, name: oddText }, { requiredKeys: [] })),
    locale: orOdd(locale),
  },
  { requiredKeys: [] },
);

const activity = fc.record(
  {
    type: fc.oneof({ weight: 12, arbitrary: fc.constant('message') }, { weight: 2, arbitrary: fc.constantFrom('event', 'typing', 'conversationUpdate', 'invoke', '') }, { weight: 1, arbitrary: oddJson }),
    text: orOdd(oddText, 24),
    value: oddJson,
    attachments: fc.oneof({ weight: 6, arbitrary: fc.array(oddJson, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.array(fc.constant({ contentType: 'image/png' }), { minLength: 45, maxLength: 60 }) }, { weight: 1, arbitrary: oddJson }),
    channelData: orOdd(fc.record({ clientActivityID: orOdd(oddText) }, { requiredKeys: [] })),
    from: orOdd(fc.record({ id: oddText, name: oddText, role: oddText }, { requiredKeys: [] })),
    locale: orOdd(locale),
    id: orOdd(oddText),
    name: fc.oneof(fc.constant('webchat/join'), oddText),
  },
  { requiredKeys: ['type'] },
);

const origin = fc.constantFrom(undefined, undefined, 'https://evil.example', 'null', 'http://127.0.0.1');

/** Direct Line: POST /tokens/generate and /conversations, anonymous (each from an address of its own). */
function directLineStart(name: string, path: string) {
  return entry({
    name,
    server: 'app',
    arb: fc.record({ enc: encoded(orOdd(startBody)), auth: oddAuthorization, origin, empty: fc.boolean() }),
    build: (x) => ({
      method: 'POST',
      path,
      headers: headers(x.enc, { authorization: x.auth, origin: x.origin, 'x-forwarded-for': clientAddress() }),
      ...(x.empty ? {} : { body: x.enc.body }),
    }),
  });
}

export function entryPoints(ctx: EntryContext) {
  const conversationOf = (slot: number, batch: number) => ctx.conversations[(batch * ctx.batchSize + slot) % ctx.conversations.length]!;

  const directLineActivity = entry({
    name: 'Direct Line: post activity (and read with a watermark)',
    server: 'app',
    arb: fc.record({
      enc: encoded(activity),
      who: fc.constantFrom('own', 'own', 'own', 'own', 'own', 'own', 'own', 'own', 'other', 'none', 'garbage', 'oddPath'),
      garbage: oddAuthorization,
      segment: oddSegment,
      read: fc.oneof({ weight: 11, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: oddSegment }),
    }),
    build: (x, slot, batch) => {
      const own = conversationOf(slot, batch);
      const other = conversationOf(slot + 1, batch);
      const id = x.who === 'oddPath' ? x.segment : own.conversationId;
      const authorization = x.who === 'none' ? undefined : x.who === 'garbage' ? x.garbage : `Bearer ${(x.who === 'other' ? other : own).token}`;
      const path = `/v3/directline/conversations/${id}/activities`;
      if (x.read !== null) return { method: 'GET', path: `${path}?watermark=${x.read}`, headers: headers(undefined, { authorization }) };
      return { method: 'POST', path, headers: headers(x.enc, { authorization }), body: x.enc.body };
    },
  });

  const serviceUrl = fc.oneof(
    { weight: 12, arbitrary: fc.constant(`${ctx.connector}/`) },
    { weight: 1, arbitrary: fc.oneof(oddText, fc.constantFrom('javascript:alert(1)', 'ftp://connector.edge.test/', 'http://', '//x', 'file:///etc/passwd')) },
  );
  const botFrameworkActivity = fc.record(
    {
      type: fc.oneof({ weight: 10, arbitrary: fc.constant('message') }, { weight: 3, arbitrary: fc.constantFrom('conversationUpdate', 'event', 'invoke', 'typing', 'messageReaction', '') }, { weight: 1, arbitrary: oddJson }),
      id: orOdd(oddText),
      channelId: fc.oneof(fc.constantFrom('emulator', 'msteams', 'webchat', 'directline'), oddText),
      serviceUrl,
      // `@@` becomes the request's slot: concurrent requests of one batch never share a conversation.
      conversation: orOdd(
        fc.record({ id: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('bf-a', 'bf-b', 'bf-c') }, { weight: 1, arbitrary: oddText }).map((s) => `${s}@@`), isGroup: fc.boolean() }, { requiredKeys: [] }),
        24,
      ),
      from: orOdd(fc.record({ id: oddText, name: oddText }, { requiredKeys: [] })),
      recipient: orOdd(fc.record({ id: fc.constantFrom('bot', 'anchorline'), name: oddText }, { requiredKeys: [] })),
      membersAdded: orOdd(fc.array(fc.record({ id: fc.oneof(fc.constantFrom('user', 'bot'), oddText) }, { requiredKeys: [] }), { maxLength: 3 })),
      text: orOdd(oddText, 10),
      value: oddJson,
      attachments: orOdd(fc.array(oddJson, { maxLength: 3 })),
      entities: orOdd(fc.array(oddJson, { maxLength: 2 })),
      channelData: oddJson,
      locale: orOdd(locale),
      timestamp: orOdd(fc.constantFrom('2026-04-10T10:00:00Z', 'not a date', '')),
      replyToId: oddText,
    },
    { requiredKeys: ['type', 'serviceUrl', 'conversation'] },
  );

  const apiMessages = entry({
    name: '/api/messages without an app id (development: unauthenticated)',
    server: 'app',
    allowed: (r, status) => status === 501 && typeof r.body === 'string' && r.body.startsWith('{"type":"invoke"'),
    arb: fc.record({ enc: encoded(botFrameworkActivity), auth: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: oddAuthorization }) }),
    build: (x, slot) => ({ method: 'POST', path: '/api/messages', headers: headers(x.enc, { authorization: x.auth ?? undefined }), body: mark(x.enc.body, `~${slot}`) }),
  });

  const jwtClaims = fc.record(
    {
      iss: fc.constantFrom('https://api.botframework.com', 'https://sts.windows.net/x/', 'evil'),
      aud: fc.constantFrom('11111111-2222-3333-4444-555555555555', 'other'),
      serviceurl: fc.constant(`${ctx.connector}/`),
      nbf: fc.integer({ min: 0, max: 2 ** 31 }),
      exp: fc.integer({ min: 0, max: 2 ** 31 }),
    },
    { requiredKeys: [] },
  );
  const apiMessagesProduction = entry({
    name: '/api/messages with an app id (production: signed only)',
    server: 'production',
    arb: fc.record({
      enc: encoded(botFrameworkActivity),
      auth: fc.oneof(oddAuthorization, fc.record({ kid: fc.oneof(fc.constant('published-key'), asciiText), alg: fc.constantFrom('RS256', 'none', 'HS256') }).chain((h) => jwtClaims.map((c) => `Bearer ${ctx.forgedJwt(h, c)}`))),
    }),
    build: (x, slot) => ({ method: 'POST', path: '/api/messages', headers: headers(x.enc, { authorization: x.auth }), body: mark(x.enc.body, `~${slot}`) }),
  });

  // Slack's envelopes as Slack sends them, with odd contents — including the shapes Bolt itself
  // fails on (an `event` that is not an object, an action without a `user` or with `actions` not
  // an array, a team id naming an Object.prototype member such as "valueOf"): the Slack channel's
  // envelope check (channels/slack/slackEnvelope.ts) answers those 400 before Bolt sees them.
  const teamId = fc.oneof(fc.constantFrom('T1', 'T2'), oddText, fc.constantFrom('valueOf', 'toString', 'constructor', '__proto__', 'hasOwnProperty'));
  const ts = fc.oneof(fc.constantFrom('1700000000.000001', '1700000001.000100'), oddText);
  const slackEvent = fc.record(
    {
      type: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('message', 'app_home_opened', 'app_mention', 'reaction_added') }, { weight: 1, arbitrary: oddText }),
      subtype: fc.oneof(fc.constantFrom('file_share', 'bot_message', 'message_changed', 'thread_broadcast'), oddText),
      channel: fc.oneof({ weight: 6, arbitrary: fc.constant(ctx.slackChannel) }, { weight: 1, arbitrary: fc.constant('COTHER') }, { weight: 1, arbitrary: oddText }),
      user: fc.oneof(fc.constantFrom('U1', 'U2'), oddText),
      bot_id: oddText,
      text: orOdd(oddText, 10),
      ts,
      thread_ts: ts,
      tab: fc.oneof(fc.constantFrom('home', 'messages'), oddText),
      files: fc.array(oddJson, { maxLength: 2 }),
      blocks: oddJson,
    },
    { requiredKeys: ['type'] },
  );
  const slackEnvelope = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record(
        {
          type: fc.constant('event_callback'),
          token: oddText,
          team_id: teamId,
          api_app_id: oddText,
          event_id: fc.oneof(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).map((s) => `Ev${s}`), oddText),
          event_time: oddJson,
          event: fc.oneof({ weight: 10, arbitrary: slackEvent }, { weight: 1, arbitrary: oddJson }),
          authorizations: fc.array(fc.record({ team_id: teamId, user_id: oddText, is_bot: fc.boolean() }, { requiredKeys: [] }), { maxLength: 2 }),
        },
        { requiredKeys: ['type', 'event'] },
      ),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('url_verification'), challenge: oddText, token: oddText }, { requiredKeys: ['type'] }) },
  );
  const signing = fc.constantFrom('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'none', 'bad', 'stale');
  const signed = (body: string | Uint8Array, how: string): Record<string, string> => {
    if (how === 'none') return {};
    if (how === 'stale') return ctx.slackSignature(body, Math.floor(Date.now() / 1000) - 600);
    const h = ctx.slackSignature(body);
    return how === 'bad' ? { ...h, 'x-slack-signature': `${h['x-slack-signature']!.slice(0, -1)}0` } : h;
  };
  const slackEvents = entry({
    name: 'Slack: events (signed, unsigned, badly signed, stale)',
    server: 'app',
    // Form-encoded content types are left out: Bolt reads such a JSON body as a form of unknown type
    // and holds it for its 3 s unhandled-request timeout (404), which only makes the run slow.
    arb: fc.record({ enc: encoded(slackEnvelope, ['application/json', 'application/json; charset=utf-8', 'text/plain']), signing }),
    build: (x) => ({ method: 'POST', path: '/slack/events', headers: headers(x.enc, signed(x.enc.body, x.signing)), body: x.enc.body }),
  });

  const actionIds = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('handoff_claim', 'handoff_release', 'handoff_return', 'handoff_close', 'handoff_view') }, { weight: 1, arbitrary: fc.constant('handoff_claim') });
  const actionPayload = fc.record(
    {
      type: fc.constant('block_actions'),
      user: fc.record({ id: fc.oneof(fc.constantFrom('U1', 'U2'), oddText), username: oddText, name: oddText, team_id: teamId }, { requiredKeys: ['id'] }),
      team: fc.oneof({ weight: 5, arbitrary: fc.record({ id: teamId }) }, { weight: 1, arbitrary: fc.constant(null) }),
      channel: fc.record({ id: fc.oneof(fc.constant(ctx.slackChannel), oddText) }),
      api_app_id: oddText,
      trigger_id: oddText,
      actions: fc.array(
        fc.record({ action_id: actionIds, block_id: oddText, type: fc.constant('button'), value: fc.oneof(fc.nat({ max: 50 }).map(String), oddText, fc.constantFrom('-1', '1e309', '0x10', ' 1', '9007199254740993')) }, { requiredKeys: ['action_id'] }),
        { minLength: 1, maxLength: 2 },
      ),
      message: oddJson,
      container: oddJson,
    },
    { requiredKeys: ['type', 'user', 'actions'] },
  );
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formOf = (s: string) => {
    try {
      return form({ x: s }).slice(2);
    } catch {
      return '%ED%A0%80';
    }
  };
  const slackInteractive = entry({
    name: 'Slack: interactive actions and /anchorline commands (form bodies)',
    server: 'app',
    arb: fc.record({
      kind: fc.constantFrom('action', 'action', 'action', 'command'),
      // JSON.stringify writes lone surrogates as \udxxx escapes, so the payload itself is well-formed text.
      payload: actionPayload.map((p) => JSON.stringify(p)),
      command: fc.record({ text: oddText, user: oddText, channel: oddText }),
      raw: fc.oneof(
        { weight: 12, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'payload=%00',
            'payload=%FF%FE',
            'text=%C0%80',
            'payload=%7B%22a%22%3A%22%5Cud800%22%7D',
            `payload=${'%5B'.repeat(50)}`,
            'payload=null',
            `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'handoff_claim', value: '1' }] }))}`,
            `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, actions: 5 }))}`,
            `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, team: { id: 'valueOf' }, actions: [] }))}`,
          ),
        },
      ),
      signing,
    }),
    build: (x) => {
      const body =
        x.raw ??
        (x.kind === 'action'
          ? `payload=${formOf(x.payload)}`
          : `command=%2Fanchorline&text=${formOf(x.command.text)}&user_id=${formOf(x.command.user)}&channel_id=${formOf(x.command.channel)}&team_id=T1&response_url=${encodeURIComponent(ctx.slackResponseUrl)}`);
      return { method: 'POST', path: '/slack/events', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signed(body, x.signing) }, body };
    },
  });

  const statusBody = fc.record({ status: fc.oneof(fc.constantFrom('received', 'shortlisted', 'interview', 'offered', 'unsuccessful', 'withdrawn'), oddText) }, { requiredKeys: [] });
  const admin = entry({
    name: 'admin: applications CSV, status updates (partner credential), flow reload (operator token), with and without them',
    server: 'app',
    arb: fc.record({
      route: fc.constantFrom('csv', 'csv', 'csv', 'status', 'status', 'status', 'status', 'status', 'reload'),
      reload: fc.nat({ max: 30 }),
      segment: fc.oneof(fc.constantFrom('uhb', 'uhb', 'bchc', 'acme-nhs', '1'), oddSegment),
      enc: encoded(orOdd(statusBody)),
      auth: fc.oneof(
        { weight: 3, arbitrary: fc.constant(`Bearer ${ctx.partnerToken}`) },
        { weight: 1, arbitrary: fc.constant(`Bearer ${ctx.adminToken}`) },
        { weight: 2, arbitrary: oddAuthorization },
      ),
    }),
    build: (x) => {
      const authorization = x.auth;
      if (x.route === 'csv') return { method: 'GET', path: `/admin/partners/${x.segment}/applications`, headers: headers(undefined, { authorization }) };
      // Reloading flows reads every flow file; a few of them are enough.
      if (x.route === 'reload' && x.reload === 0) return { method: 'POST', path: '/admin/flows/reload', headers: headers(x.enc, { authorization }), body: x.enc.body };
      return { method: 'POST', path: `/admin/applications/${x.segment}/status`, headers: headers(x.enc, { authorization }), body: x.enc.body };
    },
  });

  return {
    directLineToken: directLineStart('Direct Line: generate a token', '/v3/directline/tokens/generate'),
    directLineStart: directLineStart('Direct Line: start a conversation', '/v3/directline/conversations'),
    directLineActivity,
    apiMessages,
    apiMessagesProduction,
    slackEvents,
    slackInteractive,
    admin,
  };
}
