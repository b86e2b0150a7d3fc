import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { PgDb } from '../../src/store/pgDriver.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/testDb.ts';
import { silent } from '../helpers/flowDir.ts';

describe('HTTP server', () => {
  let t: TestDb;
  let app: RunningApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestDb();
    app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: 'a-long-enough-admin-token' }), { db: t.db, logger: silent });
    base = `http://127.0.0.1:${app.server.port}`;
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('answers health, readiness and metrics', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, flows: { ok: true } } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('anchorline_turn_duration_seconds');
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('answers errors as JSON without stack traces', async () => {
    const r = await fetch(`${base}/admin/flows/reload`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer a-long-enough-admin-token' }, body: '{oops' });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: { code: 'malformed_json', message: 'the request body is not valid JSON' } });
    const big = await fetch(`${base}/admin/flows/reload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'y'.repeat(200_000) }) });
    expect(big.status).toBe(413);
    const nf = await fetch(`${base}/nope`);
    expect(await nf.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });

  it('protects flow reload with the admin token', async () => {
    expect((await fetch(`${base}/admin/flows/reload`, { method: 'POST' })).status).toBe(401);
    const ok = await fetch(`${base}/admin/flows/reload`, { method: 'POST', headers: { authorization: 'Bearer a-long-enough-admin-token' } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).flows[0].id).toBe('main');
  });
});

describe('readiness follows the database', () => {
  it('turns 503 when the database is unreachable and 200 when it returns', async () => {
    if (!TEST_DATABASE_URL) {
      // PGlite lives in this process and cannot be cut off; stand in with a failing ping.
      const t = await createTestDb();
      const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), { db: t.db, logger: silent });
      const ping = t.db.ping.bind(t.db);
      try {
        t.db.ping = () => Promise.reject(new Error('connection refused'));
        expect((await fetch(`http://127.0.0.1:${app.server.port}/readyz`)).status).toBe(503);
        t.db.ping = ping;
        expect((await fetch(`http://127.0.0.1:${app.server.port}/readyz`)).status).toBe(200);
      } finally {
        await app.close();
      }
      return;
    }
    // A pool pointed at a proxy we control stands for a database that goes away and comes back.
    const net = await import('node:net');
    let up = true;
    const sockets = new Set<import('node:net').Socket>();
    const proxy = net.createServer((client) => {
      if (!up) return client.destroy();
      const server = net.connect(5432, '127.0.0.1');
      sockets.add(client).add(server);
      client.pipe(server).pipe(client);
      client.on('error', () => server.destroy());
      server.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as import('node:net').AddressInfo).port;
    const url = new URL(TEST_DATABASE_URL!);
    url.port = String(port);
    url.hostname = '127.0.0.1';
    const schema = `ready_${Date.now()}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    // Two connections LISTEN (Bot Framework replies, flow releases); one is left for queries.
    const db = new PgDb({ connectionString: url.toString(), schema, max: 3 });
    const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), { db, logger: silent });
    const ready = () => fetch(`http://127.0.0.1:${app.server.port}/readyz`);
    try {
      expect((await ready()).status).toBe(200);
      up = false;
      for (const s of sockets) s.destroy();
      const down = await ready();
      expect(down.status).toBe(503);
      expect((await down.json()).checks.database.ok).toBe(false);
      up = true;
      expect((await ready()).status).toBe(200);
    } finally {
      await app.close();
      proxy.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });
});

describe('shutdown', () => {
  it('finishes an in-flight request, then closes the database', async () => {
    const t = await createTestDb();
    const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), { db: t.db, logger: silent });
    // A slow in-flight request: /readyz waits on a database query we hold up.
    const original = t.db.ping.bind(t.db);
    t.db.ping = async () => {
      await new Promise((r) => setTimeout(r, 300));
      return original();
    };
    const inflight = fetch(`http://127.0.0.1:${app.server.port}/readyz`);
    await new Promise((r) => setTimeout(r, 50));
    const closing = app.close();
    const res = await inflight;
    expect(res.status).toBe(200);
    await closing;
    await expect(t.db.query('SELECT 1')).rejects.toThrow(/closed|after calling end/i);
    await t.close().catch(() => undefined);
  });
});
