/**
 * The whole app (buildApp, as started in production) serves /privacy: a link "send me my data"
 * makes in a real turn opens there, and odd requests to the export address (broken tokens,
 * broken bodies, other methods) are plain refusals that never fail on our side, never use up a
 * link and never show anyone's data.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoded, oddJson, oddSegment } from '../edge/poisonArbitraries.ts';
import { startEdgeApp, type EdgeApp } from '../edge/edgeApp.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

describe('/privacy in the running app', () => {
  let t: TestDb;
  let edge: EdgeApp;

  beforeAll(async () => {
    t = await createTestDb();
    edge = await startEdgeApp(t.db, { PUBLIC_URL: 'https://chat.example.org' });
  }, 60_000);
  afterAll(async () => {
    await edge?.close();
    await t?.close();
  });

  async function linkFor(conversationId: string): Promise<string> {
    let n = 0;
    const say = async (text: string) =>
      (await edge.app.engine.handleTurn({ conversationId, channel: 'test', activityId: `${conversationId}-${++n}`, user: { id: conversationId }, text, receivedAt: new Date() })).replies;
    await say('hello');
    await say('English');
    await say('yes');
    await say('MarkerEdgeEcho 19');
    const replies = await say('send me my data');
    const text = replies.map((r) => ('text' in r ? r.text : '')).join('\n');
    const url = /\((https:\/\/chat\.example\.org\/privacy\/export\/[A-Za-z0-9_-]{43})\)/.exec(text)?.[1];
    if (!url) throw new Error(`no link in: ${text}`);
    return new URL(url).pathname;
  }

  it('a link made in a turn opens on the app at PUBLIC_URL\'s path, once', async () => {
    const path = await linkFor('edge-1');
    expect((await edge.send('GET', path)).status).toBe(200);
    const first = await edge.send('POST', path, { body: 'format=json', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(first.status).toBe(200);
    expect(first.text).toContain('MarkerEdgeEcho 19');
    const again = await edge.send('POST', path, { body: 'format=json', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(again.status).toBe(410);
    expect(again.text).toContain('This link has been used or has expired.');
  });

  it('odd requests are refused plainly (never 5xx), show no data, and leave a live link usable', async () => {
    const path = await linkFor('edge-2');
    const token = path.split('/').pop()!;
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      // Odd segments, and near misses of the live token (one character off, cut short, too long).
      segment: fc.oneof(
        oddSegment,
        fc.nat({ max: 42 }).map((i) => `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`),
        fc.nat({ max: 42 }).map((i) => token.slice(0, i)),
        fc.constant(`${token}A`),
      ),
      body: fc.option(encoded(fc.oneof(oddJson, fc.constant('format=html'), fc.constant('format=pdf'))), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ method, segment, body }) => {
        const r = await edge.send(method, `/privacy/export/${segment}`, body && method !== 'GET' ? { body: body.body, headers: body.contentType ? { 'content-type': body.contentType } : {} } : {});
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.text).not.toContain('MarkerEdgeEcho');
      }),
      { numRuns: 150 },
    );
    // None of that used the link.
    const real = await edge.send('POST', path, { body: 'format=html', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(real.status).toBe(200);
    expect(real.text).toContain('MarkerEdgeEcho 19');
  }, 120_000);
});
