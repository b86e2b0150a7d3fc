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
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import pino from 'pino';
import { defaultCourseOptions } from '../../../src/domain/courses/courseOptions.ts';
import { seedCoordinatorData } from '../../../src/domain/coordinatorData/seedCoordinatorData.ts';
import { AppError } from '../../../src/errors.ts';
import { createApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { can, roleSchema, type Permission, type StudioGuard } from '../../../src/studio/staff.ts';
import { dataRoutes } from '../../../src/studio/data/dataRoutes.ts';
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
 * A stand-in for the shell's rules of the studio's shared stylesheet (src/studio/assets/studio.css,
 * another part of issue 13, not on this branch): the nav as a row with room between its links, the
 * skip link shown on focus, table cells with room, and visible focus. Once that stylesheet is on
 * main, serve it instead.
 */
const SHELL_CSS = `:root { font: 16px/1.45 system-ui, sans-serif; color: #1b1b1b; }
:focus-visible { outline: 3px solid #ff9f1a; outline-offset: 2px; box-shadow: 0 0 0 5px #1b1b1b; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .5rem 1rem; border-bottom: 1px solid #c7c7c7; background: #f3f5f8; }
header nav ul { display: flex; gap: .75rem; list-style: none; margin: 0; padding: 0; }
.signout { margin-left: auto; display: flex; align-items: center; gap: .5rem; }
main { padding: .5rem 1rem 2rem; max-width: 1280px; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; border-bottom: 1px solid #c7c7c7; padding: .3rem .5rem; vertical-align: top; }
caption { text-align: left; font-weight: 600; }
button { font: inherit; padding: .3rem .7rem; }
.field { display: flex; flex-direction: column; align-items: flex-start; margin: .4rem 0; }
.hint { color: #4a4a4a; font-size: .9rem; margin: 0 0 .25rem; }
fieldset { border: 1px solid #c7c7c7; border-radius: 4px; margin: .4rem 0; padding: .3rem .5rem; }
input, select { font: inherit; padding: .25rem .4rem; }
`;

/**
 * With `stylesheet`, /studio/assets/studio.css serves the shell's stand-in and the data pages' own
 * rules (src/studio/data/data.css), so axe and the screenshots see the pages as they will look.
 */
export async function startStudioData(opts: { stylesheet?: boolean } = {}): Promise<StudioDataFixture> {
  const t = await createTestDb();
  const logger = pino({ level: 'silent' });
  const report = await seedCoordinatorData(t.db, { flowsDir: 'flows', mode: 'insertNew', now: NOW, options: courseOptions });
  if (report.problems.length) throw new Error(`shipped data does not seed: ${report.problems.join('; ')}`);
  const { engine } = await shippedEngine(t.db);
  const audits: AuditEntry[] = [];
  const clock = { now: NOW };
  const router = dataRoutes({
    db: t.db,
    guard: headerGuard(audits),
    send: (id, replies) => engine.sendProactive(id, replies),
    notices: await loadNotices(),
    courseOptions,
    logger,
    programmesFile: 'flows/programmes.yaml',
    now: () => clock.now,
  });
  const css = SHELL_CSS + readFileSync('src/studio/data/data.css', 'utf8');
  const stylesheet: RequestHandler = (_req, res) => void res.type('css').send(css);
  const app = createApp({
    logger,
    bodyLimit: '100kb',
    readiness: [],
    routes: [['/studio/data', router], ...(opts.stylesheet ? [['/studio/assets/studio.css', stylesheet] as [string, RequestHandler]] : [])],
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
