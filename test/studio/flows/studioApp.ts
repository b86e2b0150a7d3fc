/**
 * The studio's flows API and wording view on the real HTTP edge (createApp), a real database,
 * the shipped flow files as the first release and the test guard.
 */
import path from 'node:path';
import type express from 'express';
import pino from 'pino';
import { readFlowFiles, type FlowFiles } from '../../../src/flows/flowFiles.ts';
import { createApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { studioPages } from '../../../src/studio/pages/studioPages.ts';
import { studioFlowsApi } from '../../../src/studio/flows/studioFlowsApi.ts';
import { wordingRoutes } from '../../../src/studio/wording/wordingRoutes.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { memoryReleases, type MemoryReleases } from './memoryReleases.ts';
import { TEST_CSRF, testGuard, type TestGuard } from './testGuard.ts';

/** The error body every route answers with (src/errors.ts). */
export interface ErrorAnswer {
  error: { code: string; message: string } & Record<string, unknown>;
}

export interface StudioApp {
  t: TestDb;
  releases: MemoryReleases;
  guard: TestGuard;
  shipped: FlowFiles;
  base: string;
  /** A JSON request as a member of staff with `role` (none: signed out), with the CSRF token unless `csrf: false`. */
  api<T = ErrorAnswer>(role: string | undefined, method: string, url: string, body?: unknown, o?: { csrf?: boolean }): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** `pages`: also the studio's page router (its stylesheet and scripts), for browser tests. */
export async function studioApp(setup: { pages?: boolean } = {}): Promise<StudioApp> {
  const t = await createTestDb();
  const shipped = await readFlowFiles(path.resolve('flows'), path.resolve('locales'));
  const releases = memoryReleases(shipped);
  const guard = testGuard();
  const logger = pino({ level: 'silent' });
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
      await t.close();
    },
  };
}
