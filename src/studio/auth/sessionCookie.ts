import type { CookieOptions, Request } from 'express';
import { secretSchema } from './secretToken.ts';

/**
 * The studio's session cookie. Not `__Host-` (that needs Path=/): Path=/studio keeps it off every
 * resident route. Secure works on http://localhost too (Chromium, Firefox treat it as secure).
 */
export const SESSION_COOKIE = 'anchorline_studio';

/** The longest a session lives, however active (then sign in again). */
export const SESSION_MAX_MS = 7 * 24 * 3_600_000;

export const sessionCookieOptions: CookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/studio' };

/** The session id the request carries, or undefined (no cookie, or not the shape of one of ours). */
export function sessionIdOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = secretSchema.safeParse(part.slice(eq + 1).trim());
    if (value.success) return value.data;
  }
  return undefined;
}
