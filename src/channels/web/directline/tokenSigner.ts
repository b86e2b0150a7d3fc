import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const claimsSchema = z.object({
  /** Conversation the token is bound to. */
  cid: z.string().min(1).max(200),
  /** Resident's user id inside that conversation. */
  uid: z.string().min(1).max(200),
  /** The referral code the conversation was started with (carried to its first turn); optional. */
  ref: z.string().min(1).max(20).optional(),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; code: 'token_malformed' | 'token_bad_signature' | 'token_expired' };

export interface TokenSigner {
  sign(input: { conversationId: string; userId: string; referral?: string | undefined }, now?: Date): { token: string; expiresIn: number };
  verify(token: string, now?: Date): TokenCheck;
}

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

/**
 * Tokens whose signature and claims were checked already, by the exact token text: a resident's
 * every message carries the same token for 15 minutes, so its HMAC and parse are done once, not
 * per request. Expiry is still checked each time. Bounded: emptied when full.
 */
const VERIFIED_MAX = 5000;

/**
 * Direct Line tokens: `base64url(claims).base64url(HMAC-SHA256(key, claims))`. Stateless,
 * so any process holding the same key (TOKEN_SIGNING_KEY) accepts them; bound to one
 * conversation; expire after `ttlSeconds` (the client refreshes about every 15 minutes).
 */
export function createTokenSigner(key: string | Buffer, ttlSeconds: number): TokenSigner {
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest();
  const verified = new Map<string, TokenClaims>();
  const expiry = (claims: TokenClaims, now: Date): TokenCheck =>
    claims.exp <= Math.floor(now.getTime() / 1000) ? { ok: false, code: 'token_expired' } : { ok: true, claims };
  return {
    sign({ conversationId, userId, referral }, now = new Date()) {
      const iat = Math.floor(now.getTime() / 1000);
      const payload = b64(JSON.stringify({ cid: conversationId, uid: userId, ...(referral ? { ref: referral } : {}), iat, exp: iat + ttlSeconds }));
      return { token: `${payload}.${b64(mac(payload))}`, expiresIn: ttlSeconds };
    },
    verify(token, now = new Date()) {
      const known = verified.get(token);
      if (known) return expiry(known, now);
      const parts = token.split('.');
      if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, code: 'token_malformed' };
      const [payload, sig] = parts as [string, string];
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, code: 'token_bad_signature' };
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, code: 'token_malformed' };
      }
      const claims = claimsSchema.safeParse(json);
      if (!claims.success) return { ok: false, code: 'token_malformed' };
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(token, claims.data);
      return expiry(claims.data, now);
    },
  };
}
