import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * The random values of sign-in links, session ids and CSRF tokens: 256 bits, base64url. Links
 * and sessions are stored as their SHA-256 only; a fast hash is enough for a value this random
 * (there is no dictionary to try), as for partner credentials (src/store/partnerCredentials.ts).
 */
export const secretSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a, 'utf8').digest(), createHash('sha256').update(b, 'utf8').digest());
}
