import type { Request } from 'express';
import { safeNext } from '../auth/safeNext.ts';

/**
 * The studio page to come back to after signing in again: the page a form was posted from (its
 * `Referer`, sent for same-origin requests under the studio's `Referrer-Policy: same-origin`),
 * else the address asked for. Anything off this site or outside /studio is /studio (safeNext).
 */
export function returnPath(req: Request): string {
  const referer = req.get('referer');
  if (referer) {
    try {
      const u = new URL(referer);
      if (u.host === req.get('host')) return safeNext(`${u.pathname}${u.search}`);
    } catch {
      // An unreadable Referer is ignored: the address asked for is used instead.
    }
  }
  return safeNext(req.method === 'GET' || req.method === 'HEAD' ? req.originalUrl : undefined);
}
