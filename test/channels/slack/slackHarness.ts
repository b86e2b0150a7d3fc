import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import nock from 'nock';
import { createSlackApp, type SlackChannel } from '../../../src/channels/slack/createSlackApp.ts';
import { errorHandler } from '../../../src/http/errorHandler.ts';
import type { Db } from '../../../src/store/db.ts';
import { makeService, OPEN_NOW, silent } from '../../domain/handoffs/handoffFixtures.ts';

export const SLACK = 'http://slack.test';
export const SIGNING_SECRET = 'test-signing-secret-123';
export const CHANNEL = 'CHANDOFF';

/** One Slack Web API call as the stand-in received it (form fields; blocks/metadata as JSON text). */
export interface ApiCall {
  method: string;
  body: Record<string, string>;
}

// Message timestamps are unique in a Slack channel, across tests too.
let n = 0;

/** Intercepts the Slack Web API at SLACK/api/* and records every call; each answers ok with a fresh ts. */
export function slackStandIn(): {
  calls: ApiCall[];
  history: unknown[];
  /** Profiles `users.info` returns, by user id (tests add to it); unknown ids answer user_not_found. */
  users: Record<string, { display_name: string; real_name: string }>;
  of(method: string): Record<string, string>[];
  done(): void;
} {
  const calls: ApiCall[] = [];
  const users: Record<string, { display_name: string; real_name: string }> = { USAM: { display_name: 'Sam', real_name: 'Sam Okafor' } };
  // What conversations.history / conversations.replies return (tests fill it).
  const history: unknown[] = [];
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  const scope = nock(SLACK)
    .persist()
    .post(/^\/api\/[a-zA-Z.]+$/)
    .reply(function (uri, body) {
      const method = uri.replace('/api/', '');
      const fields = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : (body as Record<string, string>);
      calls.push({ method, body: fields });
      if (method === 'auth.test') return [200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT' }];
      if (method === 'conversations.history' || method === 'conversations.replies') return [200, { ok: true, messages: history }];
      if (method === 'users.info') {
        const u = users[fields.user ?? ''];
        return [200, u ? { ok: true, user: { id: fields.user, name: fields.user?.toLowerCase(), real_name: u.real_name, profile: u } } : { ok: false, error: 'user_not_found' }];
      }
      n++;
      return [200, { ok: true, ts: `1700000000.${String(n).padStart(6, '0')}`, channel: CHANNEL }];
    });
  return {
    calls,
    history,
    users,
    of: (method) => calls.filter((c) => c.method === method).map((c) => c.body),
    done: () => {
      scope.persist(false);
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): Record<string, string> {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': sig, 'x-slack-request-timestamp': String(timestamp) };
}

export interface Harness {
  slack: SlackChannel;
  service: ReturnType<typeof makeService>['service'];
  url: string;
  post(body: string, opts?: { contentType?: string; headers?: Record<string, string> }): Promise<Response>;
  event(event: Record<string, unknown>, eventId: string, headers?: Record<string, string>): Promise<Response>;
  action(payload: Record<string, unknown>): Promise<Response>;
  close(): Promise<void>;
}

/** The real Bolt ExpressReceiver router, mounted on an Express app on a free port. */
export async function startHarness(
  db: Db,
  opts: { now?: () => Date; clockMs?: () => number; dutyGroupId?: string; safeguardingGroupId?: string } = {},
): Promise<Harness> {
  const now = opts.now ?? (() => OPEN_NOW);
  const { service } = makeService(db, { now });
  const slack = createSlackApp({
    botToken: 'xoxb-test',
    signingSecret: SIGNING_SECRET,
    handoffChannel: CHANNEL,
    apiUrl: `${SLACK}/api/`,
    notePrefix: 'note:',
    escalationMinutes: 15,
    ...(opts.dutyGroupId ? { dutyGroupId: opts.dutyGroupId } : {}),
    ...(opts.safeguardingGroupId ? { safeguardingGroupId: opts.safeguardingGroupId } : {}),
    db,
    handoffs: service,
    logger: silent,
    now,
    ...(opts.clockMs ? { clockMs: opts.clockMs } : {}),
  });
  const app = express();
  app.use(slack.router!);
  // The app's one error handler, as src/http/server.ts mounts it: refusals answer `{ error: { code } }`.
  app.use(errorHandler(silent));
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const post = (body: string, o: { contentType?: string; headers?: Record<string, string> } = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': o.contentType ?? 'application/json', ...sign(body), ...o.headers }, body });
  return {
    slack,
    service,
    url,
    post,
    event: (event, eventId, headers) =>
      post(
        JSON.stringify({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: eventId, event_time: 1, event, authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }] }),
        headers ? { headers } : {},
      ),
    action: (payload) =>
      post(new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', team: { id: 'T1' }, api_app_id: 'A1', ...payload }) }).toString(), {
        contentType: 'application/x-www-form-urlencoded',
      }),
    close: async () => {
      await slack.stop();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Waits for work Bolt does after it has acknowledged the request. */
export async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
