/**
 * GET /studio/outcomes: a coordinator or viewer goes from the studio to the outcomes dashboard
 * (/admin/outcomes) without another credential. It makes a dashboard session of kind `staff`
 * (network scope) behind its own cookie (Path=/admin) and redirects; the session ends after 8
 * hours, at sign-out, when the account is removed, or when its role no longer has the `outcomes`
 * permission (re-checked on every request: outcomesAccess.ts). Translators do not see the figures.
 */
import express from 'express';
import type { Logger } from 'pino';
import {
  newSessionSecret,
  OUTCOMES_COOKIE,
  OUTCOMES_SESSION_MS,
  outcomesCookieOptions,
  outcomesSessionIdOf,
  sessionHash,
} from '../http/outcomes/outcomesAccess.ts';
import type { Db } from '../store/db.ts';
import { deleteExpiredOutcomesSessions, deleteOutcomesSession, insertOutcomesSession } from '../store/outcomesSessions.ts';
import { staffOf, type StudioGuard } from './staff.ts';

export function outcomesLinkRoutes(o: { db: Db; guard: StudioGuard; logger: Logger; now?: () => Date }): express.Router {
  const now = o.now ?? (() => new Date());
  const r = express.Router();
  r.get('/outcomes', o.guard.require('outcomes'), async (req, res) => {
    const staff = staffOf(res.locals);
    const at = now();
    const sessionId = newSessionSecret();
    const previous = outcomesSessionIdOf(req);
    await o.db.transaction(async (tx) => {
      if (previous) await deleteOutcomesSession(tx, sessionHash(previous));
      await deleteExpiredOutcomesSessions(tx, at);
      await insertOutcomesSession(tx, { idSha256: sessionHash(sessionId), who: { kind: 'staff', staffId: staff.id }, csrf: newSessionSecret(), at, expiresAt: new Date(at.getTime() + OUTCOMES_SESSION_MS) });
    });
    await o.guard.audit(req, 'outcomes.open', 'dashboard');
    o.logger.info({ staffId: staff.id }, 'studio: opened the outcomes dashboard');
    res.cookie(OUTCOMES_COOKIE, sessionId, { ...outcomesCookieOptions, maxAge: OUTCOMES_SESSION_MS });
    res.redirect(303, '/admin/outcomes');
  });
  return r;
}
