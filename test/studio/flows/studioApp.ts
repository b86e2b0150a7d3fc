/**
 * The studio's flows API and wording view on the real HTTP edge (createApp), a real database,
 * the real releases (src/flows/releases/: checker, flow tests, live-impact gate) over a small
 * flow folder with the shipped wording, and the test guard.
 */
import type express from 'express';
import pino from 'pino';
import type { FlowFiles } from '../../../src/flows/flowFiles.ts';
import { createReleases } from '../../../src/flows/releases/createReleases.ts';
import { createApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { studioFlowsApi } from '../../../src/studio/flows/studioFlowsApi.ts';
import { studioPages } from '../../../src/studio/pages/studioPages.ts';
import { wordingRoutes } from '../../../src/studio/wording/wordingRoutes.ts';
import { processOn, releaseDir } from '../../flows/releases/releaseFixtures.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { TEST_CSRF, testGuard, type TestGuard } from './testGuard.ts';

/** The error body every route answers with (src/errors.ts). */
export interface ErrorAnswer {
  error: { code: string; message: string } & Record<string, unknown>;
}

export interface StudioApp {
  t: TestDb;
  releases: ReturnType<typeof createReleases>;
  guard: TestGuard;
  /** The files of the first release (the folder at start). */
  shipped: FlowFiles;
  base: string;
  /** A resident's message to the running flows (to leave residents waiting at a step). */
  send(conversationId: string, text: string): Promise<unknown>;
  /** A JSON request as a member of staff with `role` (none: signed out), with the CSRF token unless `csrf: false`. */
  api<T = ErrorAnswer>(role: string | undefined, method: string, url: string, body?: unknown, o?: { csrf?: boolean }): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** `pages`: also the studio's page router (its stylesheet and scripts), for browser tests. */
export async function studioApp(setup: { pages?: boolean } = {}): Promise<StudioApp> {
  const t = await createTestDb();
  const logger = pino({ level: 'silent' });
  const proc = await processOn(t.db, releaseDir());
  const releases = createReleases({ db: t.db, catalog: proc.catalog, logger });
  const shipped = (await releases.live()).files;
  const guard = testGuard();
  const app = createApp({
    logger,
    bodyLimit: '2mb',
    readiness: [],
    routes: [
      ['/studio/api', studioFlowsApi({ db: t.db, releases, guard, logger })],
      ['/studio', wordingRoutes({ db: t.db, releases, guard, logger })],
      ...(setup.pages ? [['/studio', studioPages({ guard, logger, dev: false })] satisfies [string, express.Router]] : []),
    ],
  });
  const server: RunningServer = await listen(app, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${server.port}`;
  return {
    t,
    releases,
    guard,
    shipped,
    base,
    send: (id, text) => proc.send(id, text),
    api: async <T>(role: string | undefined, method: string, url: string, body?: unknown, o: { csrf?: boolean } = {}) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (role) headers['x-test-staff'] = role;
      if (o.csrf !== false) headers['x-csrf-token'] = TEST_CSRF;
      const res = await fetch(`${base}/studio/api${url}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      // The test reads what the route answered; each test names the shape it expects.
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    close: async () => {
      await server.close(1000);
      await releases.close();
      await proc.catalog.stop();
      await t.close();
    },
  };
}
