/**
 * CORS of the Direct Line endpoint (issue 11, item 5), over HTTP. The headers preflighted are
 * the ones Microsoft's botframework-directlinejs really passes to its ajax service, recorded
 * here, plus the X-Requested-With that rxjs 5's ajax adds in a browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { connect, fetchAjax, serveDirectLine, silentLogger, type Served } from './directLineHarness.ts';
import { createMinimalEngine } from './minimalEngine.ts';

const PARTNER = 'https://partner.example';
const STRANGER = 'https://not-a-partner.example';

let t: TestDb;
let s: Served;

beforeAll(async () => {
  t = await createTestDb();
  s = await serveDirectLine({ db: t.db, engine: createMinimalEngine(t.db), logger: silentLogger, tokenSigningKey: 'k'.repeat(32), widgetOrigins: [PARTNER] });
});
afterAll(async () => {
  await s?.close();
  await t?.close();
});

/** Headers a browser may send cross-origin without asking (Fetch standard, CORS-safelisted), for the values directlinejs uses. */
const SAFELISTED = new Set(['accept', 'accept-language', 'content-language']);

/** Runs directlinejs through a short conversation and returns, per method and path, the header names it sent. */
async function whatDirectLineJsSends(): Promise<Map<string, Set<string>>> {
  const sent = new Map<string, Set<string>>();
  const gen = (await (await fetch(`${s.domain}/tokens/generate`, { method: 'POST' })).json()) as { token: string };
  const recording = (req: Parameters<typeof fetchAjax>[0]) => {
    const key = `${req.method ?? 'GET'} ${new URL(req.url).pathname.replace(/dl-[\w-]+/, ':id')}`;
    // rxjs 5 AjaxObservable: `if (!crossDomain && !headers['X-Requested-With']) headers['X-Requested-With'] = 'XMLHttpRequest'`,
    // and directlinejs never sets crossDomain, so in a browser every call carries it.
    const names = [...Object.keys(req.headers ?? {}), 'X-Requested-With'].map((h) => h.toLowerCase());
    sent.set(key, new Set([...(sent.get(key) ?? []), ...names]));
    return fetchAjax(req);
  };
  const client = connect({ domain: s.domain, token: gen.token, webSocket: false, pollingInterval: 200, ajax: recording });
  try {
    await client.post({ type: 'message', text: 'hello' });
    await client.waitFor((a) => a.type === 'message' && (a.from as { role?: string } | undefined)?.role !== 'user', 'a bot reply');
  } finally {
    client.end();
  }
  return sent;
}

function preflight(path: string, origin: string, method: string, headers: string[]) {
  return fetch(`${s.domain}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers.join(',') },
  });
}

const listed = (v: string | null) => (v ?? '').split(',').map((h) => h.trim().toLowerCase());

describe('Direct Line CORS', () => {
  it('a preflight from an allowed origin allows every header and method directlinejs sends, cached for two hours', async () => {
    const sent = await whatDirectLineJsSends();
    // The calls Web Chat makes: start, post activities, poll them (the stream is a WebSocket, not CORS).
    expect([...sent.keys()].sort()).toEqual(
      expect.arrayContaining(['GET /v3/directline/conversations/:id/activities', 'POST /v3/directline/conversations', 'POST /v3/directline/conversations/:id/activities']),
    );
    const everyAsked = new Set<string>();
    for (const [call, names] of sent) {
      const [method, path] = call.split(' ') as [string, string];
      const asked = [...names].filter((h) => !SAFELISTED.has(h)).sort();
      for (const h of asked) everyAsked.add(h);
      const res = await preflight(path.replace('/v3/directline', '').replace(':id', 'dl-any'), PARTNER, method, asked);
      expect({ call, status: res.status }).toEqual({ call, status: 204 });
      expect(res.headers.get('access-control-allow-origin')).toBe(PARTNER);
      expect(listed(res.headers.get('access-control-allow-headers'))).toEqual(expect.arrayContaining(asked));
      expect(listed(res.headers.get('access-control-allow-methods'))).toContain(method.toLowerCase());
      expect(res.headers.get('access-control-max-age')).toBe('7200');
      expect(listed(res.headers.get('vary'))).toContain('origin');
    }
    // The headers that broke partner sites, X-Requested-With first, were among them.
    expect([...everyAsked].sort()).toEqual(['authorization', 'content-type', 'x-ms-bot-agent', 'x-requested-with']);
    // widget.js's own token request, preflighted the same way.
    const token = await preflight('/tokens/generate', PARTNER, 'POST', ['content-type']);
    expect(token.status).toBe(204);
    expect(token.headers.get('access-control-allow-origin')).toBe(PARTNER);
  });

  it('the real requests from an allowed origin carry the origin back; Retry-After is readable', async () => {
    const res = await fetch(`${s.domain}/tokens/generate`, {
      method: 'POST',
      headers: { origin: PARTNER, 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(listed(res.headers.get('access-control-expose-headers'))).toContain('retry-after');
  });

  it('the server’s own origin (the demo page) is allowed without being listed', async () => {
    const res = await preflight('/conversations', s.base, 'POST', ['authorization', 'content-type', 'x-ms-bot-agent', 'x-requested-with']);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(s.base);
  });

  it('an origin not allowed gets a clear 403 with no CORS headers, preflight or not', async () => {
    const pre = await preflight('/conversations', STRANGER, 'POST', ['authorization', 'content-type', 'x-ms-bot-agent', 'x-requested-with']);
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    const body = (await pre.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('origin_not_allowed');
    expect(body.error.message).toContain(STRANGER);

    // Even holding a valid token, a page on that origin cannot use the conversation.
    const gen = (await (await fetch(`${s.domain}/tokens/generate`, { method: 'POST' })).json()) as { conversationId: string; token: string };
    const read = await fetch(`${s.domain}/conversations/${gen.conversationId}/activities`, {
      headers: { origin: STRANGER, authorization: `Bearer ${gen.token}` },
    });
    expect(read.status).toBe(403);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await read.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');

    // A partner's back end (no Origin) still may.
    const server = await fetch(`${s.domain}/conversations/${gen.conversationId}/activities`, { headers: { authorization: `Bearer ${gen.token}` } });
    expect(server.status).toBe(200);
  });
});
