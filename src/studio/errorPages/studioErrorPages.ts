import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { AppError, toAppError } from '../../errors.ts';
import { logRequestError } from '../../http/errorHandler.ts';
import { SAFE_METHODS } from '../auth/checkCsrf.ts';
import { STUDIO_CSP, studioSecurityHeaders } from '../securityHeaders.ts';
import { staffOf } from '../staff.ts';
import { errorPage } from './errorPage.ts';
import { returnPath } from './returnPath.ts';
import { wantsStudioPage } from './wantsStudioPage.ts';

/**
 * The studio's one error handler (issue 13): a failed page or form post in a browser is answered
 * with a page saying what happened and what to do, at the error's own status; the JSON API and
 * scripts (anything not preferring HTML) go on to the app's JSON errorHandler.
 */
export function studioErrorPages(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent || !wantsStudioPage(req)) return next(err);
    const e = toAppError(err);
    logRequestError(logger, req, e);
    const staff = 'staff' in res.locals ? staffOf(res.locals) : undefined;
    const body = errorPage(e, {
      change: !SAFE_METHODS.has(req.method),
      crossSite: req.get('sec-fetch-site') === 'cross-site',
      returnTo: returnPath(req),
      staff,
    });
    res
      .set(e.headers)
      .set({ 'Content-Security-Policy': STUDIO_CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' })
      .status(e.status)
      .type('html')
      .send(body);
  };
}

/**
 * The studio's routers as one router for /studio, so that their errors (and an unknown studio
 * page) pass through {@link studioErrorPages}: `mounts` are the routers with their full paths
 * (`/studio`, `/studio/api`, …), in order.
 */
export function withStudioErrorPages(mounts: Array<[string, Router]>, logger: Logger): Router {
  const r = express.Router();
  r.use(studioSecurityHeaders);
  for (const [path, router] of mounts) {
    if (path !== '/studio' && !path.startsWith('/studio/')) throw new Error(`a studio router mounted outside /studio: ${path}`);
    r.use(path.slice('/studio'.length) || '/', router);
  }
  // Only pages: anything else falls through to the app's JSON "no such route".
  r.use((req, _res, next) => next(wantsStudioPage(req) ? new AppError('not_found', 'no such studio page') : undefined));
  r.use(studioErrorPages(logger));
  return r;
}
