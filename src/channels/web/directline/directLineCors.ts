import type { Request, RequestHandler } from 'express';
import { AppError } from '../../../errors.ts';

/**
 * Request headers the widget sends cross-origin: Web Chat 4.18's botframework-directlinejs
 * 0.15 sends Accept, Content-Type, Authorization and x-ms-bot-agent on every call, and its
 * rxjs 5 ajax adds X-Requested-With whenever `crossDomain` is not set (directlinejs never
 * sets it). widget.js's own token request sends Content-Type. A preflight that leaves one
 * out fails the whole connection: the resident sees only "Taking longer than usual to
 * connect" (issue 11, item 5).
 */
export const CORS_ALLOW_HEADERS = ['Accept', 'Authorization', 'Content-Type', 'X-Requested-With', 'x-ms-bot-agent'] as const;
/** Every method the Direct Line router answers. */
export const CORS_ALLOW_METHODS = ['GET', 'POST', 'OPTIONS'] as const;
/** Chromium caps a preflight cache at two hours; longer would be ignored there. */
export const CORS_MAX_AGE_SECONDS = 7200;

/**
 * CORS for the Direct Line router. An allowed origin (WIDGET_ORIGINS, or the server's own) gets
 * its origin echoed and every header and method the widget uses; a request with an Origin that
 * is not allowed, preflight or not, is refused with 403 `origin_not_allowed` and no CORS
 * headers, so a page that is not a partner's gets a clear "no" instead of a widget that
 * half-works. Calls without an Origin (a partner's back end holding the secret) pass through.
 */
export function directLineCors(originAllowed: (req: Request, origin: string) => boolean): RequestHandler {
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    if (!origin) {
      if (req.method === 'OPTIONS') res.status(204).end();
      else next();
      return;
    }
    if (!originAllowed(req, origin)) {
      throw new AppError('origin_not_allowed', `the chat may not be used from ${origin}: it is not one of the partner sites allowed (WIDGET_ORIGINS)`);
    }
    res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'Retry-After' });
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    res.set({
      'Access-Control-Allow-Methods': CORS_ALLOW_METHODS.join(', '),
      'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS.join(', '),
      'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
    });
    res.status(204).end();
  };
}
