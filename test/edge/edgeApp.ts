/**
 * The whole app (buildApp) with every entry point on: Direct Line, /api/messages without an app id
 * (as in development: the adapter accepts unauthenticated activities), Slack over HTTP with its
 * real Bolt receiver, and the admin routes. Outbound HTTP (Bot Connector, Slack Web API) is nock.
 */
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/store/db.ts';
import { silent } from '../helpers/flowDir.ts';

export const ADMIN_TOKEN = 'edge-admin-token-0123456789';
export const SLACK_SIGNING_SECRET = 'edge-slack-signing-secret';
export const SLACK_CHANNEL = 'CEDGE';
export const CONNECTOR = 'https://connector.edge.test';
const SLACK_API = 'http://slack.edge.test';
/** Where Bolt's respond() posts a slash command's answer (Slack's response_url). */
export const SLACK_RESPONSE_URL = `${SLACK_API}/respond`;

export interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

export interface EdgeApp {
  app: RunningApp;
  base: string;
  /** One request; `body` is sent as given (string as UTF-8, bytes as they are). */
  send(method: string, path: string, opts?: { body?: string | Uint8Array; headers?: Record<string, string> }): Promise<Answer>;
  /** Slack's request signature over these exact bytes. */
  slackSignature(body: string | Uint8Array, timestamp?: number): Record<string, string>;
  /** A Direct Line conversation started the way Web Chat does (anonymous, from its own address). */
  startConversation(): Promise<{ conversationId: string; token: string }>;
  close(): Promise<void>;
}

let addresses = 0;
/**
 * A client address of its own for each anonymous start (the app trusts X-Forwarded-For from
 * loopback), so that many generated starts are not all refused by the per-address rate limit.
 */
export function clientAddress(): string {
  addresses++;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

export async function startEdgeApp(db: Db, env: Record<string, string> = {}): Promise<EdgeApp> {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  let ts = 0;
  nock(SLACK_API)
    .persist()
    .post(/^\/(api\/[a-zA-Z.]+|respond)$/)
    .reply((uri) => {
      if (uri.endsWith('/auth.test')) return [200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT' }];
      ts++;
      return [200, { ok: true, ts: `1700000000.${String(ts).padStart(6, '0')}`, channel: SLACK_CHANNEL, messages: [] }];
    });
  let sent = 0;
  nock(CONNECTOR)
    .persist()
    .post(/.*/)
    .reply(() => [200, { id: `sent-${++sent}` }]);

  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN,
    SLACK_BOT_TOKEN: 'xoxb-edge-test',
    SLACK_SIGNING_SECRET,
    SLACK_HANDOFF_CHANNEL: SLACK_CHANNEL,
    SLACK_API_URL: `${SLACK_API}/api/`,
    // The Bot Connector stand-in (nock); outside production replies go to this machine only.
    BOTFRAMEWORK_SERVICE_URLS: new URL(CONNECTOR).hostname,
    // Generated requests should reach the parsers, not stop at the message limits (tested on their own).
    CONVERSATION_MESSAGE_BURST: '100000',
    CONVERSATION_MESSAGES_PER_MINUTE: '100000',
    ...env,
  });
  const app = await buildApp(config, { db, logger: silent, workers: false });
  const base = `http://127.0.0.1:${app.server.port}`;

  const send: EdgeApp['send'] = async (method, path, opts = {}) => {
    // A copy in a plain ArrayBuffer: fetch's types take no Uint8Array over a shared buffer.
    const body = opts.body === undefined || typeof opts.body === 'string' ? opts.body : new Uint8Array(opts.body);
    const res = await fetch(`${base}${path}`, { method, headers: opts.headers ?? {}, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };

  return {
    app,
    base,
    send,
    slackSignature(body, timestamp = Math.floor(Date.now() / 1000)) {
      const mac = createHmac('sha256', SLACK_SIGNING_SECRET).update(`v0:${timestamp}:`).update(body).digest('hex');
      return { 'x-slack-signature': `v0=${mac}`, 'x-slack-request-timestamp': String(timestamp) };
    },
    async startConversation() {
      const r = await send('POST', '/v3/directline/conversations', { headers: { 'x-forwarded-for': clientAddress() } });
      if (r.status !== 201) throw new Error(`start conversation: ${r.status} ${r.text}`);
      return JSON.parse(r.text) as { conversationId: string; token: string };
    },
    async close() {
      await app.close();
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}
