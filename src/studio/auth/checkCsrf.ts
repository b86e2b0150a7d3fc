import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { formBody } from '../formBody.ts';
import { sameSecret } from './secretToken.ts';

/** Methods that change nothing, so need no CSRF token (RFC 9110 §9.2.1 safe methods). */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrfField = z.object({ csrf: z.string().optional() });

/**
 * A change must come from a studio page: not from another site (Fetch Metadata `Sec-Fetch-Site`,
 * sent by every current browser), and carrying the session's CSRF token, as the `X-CSRF-Token`
 * header (scripts) or the `csrf` form field (HTML forms). Throws `csrf_failed` (403).
 */
export function checkCsrf(req: Request, expected: string): void {
  if (req.get('sec-fetch-site') === 'cross-site') throw new AppError('csrf_failed', 'a change sent from another site is refused');
  const given = req.get('x-csrf-token') ?? (req.is('application/x-www-form-urlencoded') ? formBody(req, csrfField).csrf : undefined);
  if (!given || !sameSecret(given, expected)) {
    throw new AppError('csrf_failed', 'this change did not carry the page\'s security token (it may be out of date): reload the page and try again');
  }
}
