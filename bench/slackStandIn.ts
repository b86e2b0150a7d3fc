import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Slack Web API call as the stand-in received it (form or JSON fields). */
export interface SlackCall {
  method: string;
  body: Record<string, string>;
  /** The message ts the stand-in answered with, if any. */
  ts?: string;
}

export interface SlackStandIn {
  /** Base URL for SLACK_API_URL (ends in /api/). */
  apiUrl: string;
  calls: SlackCall[];
  close(): Promise<void>;
}

/**
 * A local stand-in for the Slack Web API: every method answers `{"ok":true,...}` (a fresh
 * message ts where Slack would give one), so server processes can run their real Slack
 * code without the network.
 */
export async function startSlackStandIn(channel: string): Promise<SlackStandIn> {
  const calls: SlackCall[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
      const raw = Buffer.concat(chunks).toString();
      let body: Record<string, string> = {};
      try {
        body = (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(raw || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
      } catch {
        body = {};
      }
      let answer: Record<string, unknown>;
      if (method === 'auth.test') answer = { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' };
      else if (method === 'conversations.history' || method === 'conversations.replies') answer = { ok: true, messages: [] };
      else answer = { ok: true, ts: `1700000000.${String(++n).padStart(6, '0')}`, channel };
      calls.push({ method, body, ...(typeof answer.ts === 'string' ? { ts: answer.ts } : {}) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    calls,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Slack's v0 request signature: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
export function slackSignature(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': sig, 'x-slack-request-timestamp': String(timestamp) };
}
