/**
 * The programme data router on a real Express app (createApp: the edge's body reader) over a real
 * database seeded from the shipped flows/, with the real engine's proactive send, so a cancelled
 * session's notices land in the residents' transcripts.
 *
 * The test seam: `headerGuard` implements the studio's StudioGuard interface (src/studio/staff.ts)
 * from an `x-test-role` header, with the real role table (`can`). It does not check CSRF: that is
 * the real guard's job (src/studio/auth), tested there; the integrator adds a test through the real
 * sign-in.
 */
import type { RequestHandler, Router } from 'express';
import pino from 'pino';
import { defaultCourseOptions } from '../../../src/domain/courses/courseOptions.ts';
import { seedCoordinatorData } from '../../../src/domain/coordinatorData/seedCoordinatorData.ts';
import { AppError } from '../../../src/errors.ts';
import { createApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { can, roleSchema, type Permission, type StudioGuard } from '../../../src/studio/staff.ts';
import { dataRoutes } from '../../../src/studio/data/dataRoutes.ts';
import { studioPages } from '../../../src/studio/pages/studioPages.ts';
import { loadNotices } from '../../domain/courses/fixtures.ts';
import { shippedEngine } from '../../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';

/** "Today" in these tests: the shipped sessions (from 11 January 2027) are upcoming, the vacancies open. */
export const NOW = new Date('2027-01-05T10:00:00Z');
export const courseOptions = { ...defaultCourseOptions, seatOfferTtlMs: 3600_000 };

export interface AuditEntry {
  role: string | undefined;
  action: string;
  subject: string;
  detail: Record<string, unknown> | undefined;
}

export function headerGuard(audits: AuditEntry[]): StudioGuard {
  return {
    require(permission: Permission): RequestHandler {
      return (req, res, next) => {
        const role = roleSchema.safeParse(req.get('x-test-role'));
        if (!role.success) return next(new AppError('studio_signin_required', 'sign in to the studio'));
        res.locals['staff'] = { id: `staff-${role.data}`, email: `${role.data}@example.org`, role: role.data, csrf: 'test-csrf-token' };
        if (!can(role.data, permission)) return next(new AppError('forbidden', `a ${role.data} may not ${permission}`));
        next();
      };
    },
    async audit(req, action, subject, detail) {
      audits.push({ role: req.get('x-test-role'), action, subject, detail });
    },
  };
}

export interface StudioDataFixture {
  t: TestDb;
  server: RunningServer;
  base: string;
  audits: AuditEntry[];
  clock: { now: Date };
  close(): Promise<void>;
}

/**
 * With `stylesheet`, the studio's pages router (src/studio/pages/studioPages.ts) is mounted too, so
 * the pages load the real /studio/assets/studio.css and icon, and axe and the screenshots see them
 * as a coordinator does.
 */
export async function startStudioData(opts: { stylesheet?: boolean } = {}): Promise<StudioDataFixture> {
  const t = await createTestDb();
  const logger = pino({ level: 'silent' });
  const report = await seedCoordinatorData(t.db, { flowsDir: 'flows', mode: 'insertNew', now: NOW, options: courseOptions });
  if (report.problems.length) throw new Error(`shipped data does not seed: ${report.problems.join('; ')}`);
  const { engine } = await shippedEngine(t.db);
  const audits: AuditEntry[] = [];
  const guard = headerGuard(audits);
  const clock = { now: NOW };
  const router = dataRoutes({
    db: t.db,
    guard,
    send: (id, replies) => engine.sendProactive(id, replies),
    notices: await loadNotices(),
    courseOptions,
    logger,
    programmesFile: 'flows/programmes.yaml',
    now: () => clock.now,
  });
  const app = createApp({
    logger,
    bodyLimit: '100kb',
    readiness: [],
    routes: [['/studio/data', router], ...(opts.stylesheet ? [['/studio', studioPages({ guard, logger, dev: false })] as [string, Router]] : [])],
  });
  const server = await listen(app, 0, '127.0.0.1');
  return {
    t,
    server,
    base: `http://127.0.0.1:${server.port}/studio/data`,
    audits,
    clock,
    close: async () => {
      await server.close(1000);
      await t.close();
    },
  };
}
