/**
 * GET /studio/outcomes: a coordinator or viewer goes from the studio to the outcomes dashboard
 * (/admin/outcomes) without another credential. It makes a dashboard session of kind `staff`
 * (network scope) behind its own cookie (Path=/admin) and redirects; the session ends after 8
 * hours, at sign-out, when the account is removed, or when its role no longer has the `outcomes`
 * permission (re-checked on every request: outcomesAccess.ts). Translators do not see the figures.
 */
import express from 'express';
import type { Logger } from 'pino';
import { openOutcomesSession } from '../http/outcomes/outcomesAccess.ts';
import type { Db } from '../store/db.ts';
import { staffOf, type StudioGuard } from './staff.ts';

export function outcomesLinkRoutes(o: { db: Db; guard: StudioGuard; logger: Logger; now?: () => Date }): express.Router {
  const now = o.now ?? (() => new Date());
  const r = express.Router();
  r.get('/outcomes', o.guard.require('outcomes'), async (req, res) => {
    const staff = staffOf(res.locals);
    await openOutcomesSession(o.db, req, res, { kind: 'staff', staffId: staff.id }, now());
    await o.guard.audit(req, 'outcomes.open', 'dashboard');
    o.logger.info({ staffId: staff.id }, 'studio: opened the outcomes dashboard');
    res.redirect(303, '/admin/outcomes');
  });
  return r;
}
