/** The web channels mounted the way the lead's server mounts routers (createApp + listen). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebChannels, type WebChannels } from '../../../src/channels/web/createWebChannels.ts';
import { createApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { connect, silentLogger } from './directLineHarness.ts';
import { createMinimalEngine } from './minimalEngine.ts';

let t: TestDb;
let web: WebChannels;
let running: RunningServer;
let base: string;

beforeAll(async () => {
  t = await createTestDb();
  web = await createWebChannels({
    db: t.db,
    engine: createMinimalEngine(t.db),
    logger: silentLogger,
    nodeEnv: 'test',
    widgetOrigins: ['https://partner.example'],
    partnerName: 'Solihull <Partners> & Co',
    partnerColour: '#ffdd00',
    appType: 'MultiTenant',
  });
  const app = createApp({ logger: silentLogger, bodyLimit: '64kb', readiness: [], rawRoutes: web.rawRoutes });
  running = await listen(app, 0, '127.0.0.1');
  web.attach(running.server);
  base = `http://127.0.0.1:${running.port}`;
});
afterAll(async () => {
  await web?.close();
  await running?.close(1000);
  await t?.close();
});

/** What the Bot Framework Emulator sends from this machine (a typing activity makes no reply). */
const typing = { type: 'typing', id: 'x', channelId: 'emulator', serviceUrl: 'http://localhost:9/', conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'b' } };

describe('createWebChannels in the app server', () => {
  it('serves the demo page, the snippet and Web Chat from our own server', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    // The partner name is escaped, and the page loads no script from anywhere else.
    expect(html).toContain('Solihull &lt;Partners&gt; &amp; Co');
    expect([...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1])).toEqual(['/widget.js']);

    const widget = await fetch(`${base}/widget.js`);
    expect(widget.headers.get('content-type')).toMatch(/^application\/javascript/);
    const js = await widget.text();
    // A light brand colour gets dark text (contrast), and the name cannot close a script element.
    expect(js).toContain('"onColour":"#0b0c0c"');
    expect(js).not.toContain('<Partners>');
    const bundlePath = /"webchatPath":"([^"]+)"/.exec(js)?.[1];
    expect(bundlePath).toMatch(/^\/webchat\/4\.\d+\.\d+\/webchat\.js$/);
    const bundle = await fetch(`${base}${bundlePath}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
  });

  it('answers Direct Line errors with CORS headers and JSON, and streams over the app server', async () => {
    const gen = await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST', headers: { origin: 'https://partner.example' } });
    expect(gen.headers.get('access-control-allow-origin')).toBe('https://partner.example');
    const { token, conversationId } = (await gen.json()) as { token: string; conversationId: string };
    const bad = await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { origin: 'https://partner.example', authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe('https://partner.example');
    expect(await bad.json()).toEqual({ error: { code: 'malformed_json', message: 'the request body is not valid JSON' } });

    const c = connect({ domain: `${base}/v3/directline`, token, webSocket: true });
    try {
      await c.post({ type: 'message', text: 'through the app' });
      await c.waitFor((a) => a.text === 'You said: through the app', 'reply over the stream');
    } finally {
      c.end();
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('accepts Bot Framework activities at /api/messages (no app id outside production)', async () => {
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(typing),
    });
    expect(res.status).toBe(200);
  });

  it('without an app id, takes /api/messages from this machine only, and replies to this machine only', async () => {
    // Behind a proxy on this machine (the app trusts X-Forwarded-For from loopback): a caller elsewhere.
    const remote = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify(typing),
    });
    expect(remote.status).toBe(403);
    expect(await remote.json()).toMatchObject({ error: { code: 'unauthenticated_remote' } });
    // Outside production the default allows replies to this machine only.
    const foreign = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...typing, serviceUrl: 'https://connector.example.test/' }),
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'service_url_not_allowed' } });
  });
});
