/**
 * Who is looking at the outcomes pages, and what they may see. Three ways in:
 * - `Authorization: Bearer <ADMIN_TOKEN>`: the operator, the whole network;
 * - `Authorization: Bearer alp_…`: a partner credential, that partner's part only;
 * - a browser session (cookie), made by the sign-in form (operator token or partner credential)
 *   or by the studio for coordinators and viewers (`/studio/outcomes`).
 * A session is re-read on every request, and what granted it is re-checked: the operator's
 * token must still be the server's ADMIN_TOKEN (a rotated or removed token ends its sessions), a
 * partner's credential must not be revoked, a member of staff must not be removed and must still
 * have a role with the `outcomes` permission — each at the next click. A wrong or revoked credential is
 * 401, as on the partner routes; every partner use is audited (partner_access_audit).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { OutcomeScope } from '../../domain/outcomes/outcomeReport.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { deleteExpiredOutcomesSessions, deleteOutcomesSession, findOutcomesSession, insertOutcomesSession, type OutcomesSessionGrants, type OutcomesSessionWho } from '../../store/outcomesSessions.ts';
import { partnersRepo } from '../../store/partners/partnersRepo.ts';
import { recordPartnerAccess, verifyPartnerCredential, type PartnerAccessAction, type PartnerAccessOutcome } from '../../store/partnerCredentials.ts';
import { can, roleSchema } from '../../studio/staff.ts';
import { bearerOf, sameSecret } from '../adminRoutes.ts';

/** Not `__Host-` (that needs Path=/): Path=/admin keeps it off every resident route, as the studio's Path=/studio does. */
export const OUTCOMES_COOKIE = 'anchorline_outcomes';

/** A dashboard session lasts this long from sign-in, however active. */
export const OUTCOMES_SESSION_MS = 8 * 3_600_000;

/**
 * HttpOnly, SameSite=Strict, Path=/admin, and Secure as the studio's cookie is: always, since
 * browsers treat http://localhost as secure too, so a development server works and production cannot forget it.
 */
export const outcomesCookieOptions: CookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/admin' };

const sessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** A new random value (256 bits): session ids and their CSRF tokens. */
export const newSessionSecret = (): string => randomBytes(32).toString('base64url');
/** Sessions are stored as the SHA-256 of their id only. */
export const sessionHash = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex');

/** What an operator session keeps of the token it was signed in with, and compares with the current one on each request. */
export const operatorTokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The studio roles whose dashboard sessions stay open: those with the `outcomes` permission now. */
const OUTCOMES_ROLES: readonly string[] = roleSchema.options.filter((role) => can(role, 'outcomes'));

/** The session id the request carries, or undefined. */
export function outcomesSessionIdOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== OUTCOMES_COOKIE) continue;
    const v = sessionIdSchema.safeParse(part.slice(eq + 1).trim());
    if (v.success) return v.data;
  }
  return undefined;
}

/**
 * Opens a dashboard session for `who` (signed in on the form, or come from the studio) and sets its
 * cookie. One session per browser: the one it had ends, so a shared computer never keeps an
 * earlier person's view; expired sessions are swept on the way.
 */
export async function openOutcomesSession(db: Db, req: Request, res: Response, who: OutcomesSessionWho, at: Date): Promise<void> {
  const sessionId = newSessionSecret();
  const previous = outcomesSessionIdOf(req);
  await db.transaction(async (tx) => {
    if (previous) await deleteOutcomesSession(tx, sessionHash(previous));
    await deleteExpiredOutcomesSessions(tx, at);
    await insertOutcomesSession(tx, { idSha256: sessionHash(sessionId), who, csrf: newSessionSecret(), at, expiresAt: new Date(at.getTime() + OUTCOMES_SESSION_MS) });
  });
  res.cookie(OUTCOMES_COOKIE, sessionId, { ...outcomesCookieOptions, maxAge: OUTCOMES_SESSION_MS });
}

export interface OutcomesViewer {
  scope: OutcomeScope;
  /** What the page header says: "Operator (whole network)", "Pioneer Group". */
  label: string;
  /** The partner credential behind a partner's view (audited). */
  credentialId?: string;
  /** A browser session's id hash and CSRF token (sign-out); none for a bearer token. */
  session?: { idSha256: string; csrf: string };
}

/** The partner's name for headers, or its id when the partners table has no row (never happens for a credential's partner). */
async function partnerName(db: Queryable, partnerId: string): Promise<string> {
  return (await partnersRepo.byIds(db, [partnerId]))[0]?.name ?? partnerId;
}

export type CredentialCheck = { type: 'operator' } | { type: 'partner'; partnerId: string; credentialId: string };

/**
 * Checks a presented secret (bearer token or the sign-in form's field): the operator token, or a
 * partner credential. Throws 401 for anything else; a wrong secret or a revoked credential is audited.
 */
export async function checkSecret(o: { db: Db; adminToken: string | undefined; logger?: Logger | undefined }, given: string, action: PartnerAccessAction): Promise<CredentialCheck> {
  if (o.adminToken && sameSecret(given, o.adminToken)) return { type: 'operator' };
  const v = await verifyPartnerCredential(o.db, given);
  switch (v.type) {
    case 'ok':
      return { type: 'partner', partnerId: v.partnerId, credentialId: v.credentialId };
    case 'unknown':
      throw new AppError('unauthorized', 'sign in with the operator token or your partner credential (Authorization: Bearer …, or the sign-in page)');
    case 'badSecret':
      await recordPartnerAccess(o.db, { credentialId: v.credentialId, partnerId: v.partnerId, action, outcome: 'bad_secret' });
      o.logger?.warn({ credentialId: v.credentialId, partnerId: v.partnerId, action }, 'partner credential with a wrong secret');
      throw new AppError('unauthorized', 'sign in with the operator token or your partner credential (Authorization: Bearer …, or the sign-in page)');
    case 'revoked':
      await recordPartnerAccess(o.db, { credentialId: v.credentialId, partnerId: v.partnerId, action, outcome: 'revoked' });
      o.logger?.warn({ credentialId: v.credentialId, partnerId: v.partnerId, action }, 'revoked partner credential used');
      throw new AppError('credential_revoked', 'this partner credential was revoked; ask the operator for a new one');
  }
}

export interface OutcomesAccess {
  /** Who is asking (bearer first, then the session cookie); 401 when nobody. */
  viewerOf(req: Request, action: PartnerAccessAction): Promise<OutcomesViewer>;
  /** Records a partner's use; nothing for the operator or staff (their use is not partner data access). */
  audit(viewer: OutcomesViewer, action: PartnerAccessAction, outcome: PartnerAccessOutcome, requestedPartnerId?: string): Promise<void>;
}

export function outcomesAccess(o: { db: Db; adminToken: string | undefined; logger?: Logger | undefined; now?: () => Date }): OutcomesAccess {
  const now = o.now ?? (() => new Date());
  const looked = new WeakMap<Request, OutcomesViewer>();
  const grants: OutcomesSessionGrants = { operatorTokenSha256: o.adminToken ? operatorTokenHash(o.adminToken) : undefined, staffRoles: OUTCOMES_ROLES };

  async function viewerOf(req: Request, action: PartnerAccessAction): Promise<OutcomesViewer> {
    const seen = looked.get(req);
    if (seen) return seen;
    const viewer = await resolve(req, action);
    looked.set(req, viewer);
    return viewer;
  }

  async function resolve(req: Request, action: PartnerAccessAction): Promise<OutcomesViewer> {
    const header = req.get('authorization');
    if (header !== undefined) {
      const given = bearerOf(header);
      if (given === undefined) throw new AppError('unauthorized', 'Authorization: Bearer <operator token or partner credential>');
      const who = await checkSecret(o, given, action);
      if (who.type === 'operator') return { scope: { kind: 'network' }, label: 'Operator (whole network)' };
      return { scope: { kind: 'partner', partnerId: who.partnerId }, label: await partnerName(o.db, who.partnerId), credentialId: who.credentialId };
    }
    const id = outcomesSessionIdOf(req);
    const s = id ? await findOutcomesSession(o.db, sessionHash(id), now(), grants) : undefined;
    if (!s) throw new AppError('unauthorized', 'sign in first (your session may have ended, or what it was opened with was revoked or changed): /admin/outcomes/signin');
    const session = { idSha256: s.idSha256, csrf: s.csrf };
    switch (s.kind) {
      case 'operator':
        return { scope: { kind: 'network' }, label: 'Operator (whole network)', session };
      case 'staff':
        return { scope: { kind: 'network' }, label: 'Coordinator (whole network)', session };
      case 'partner':
        return { scope: { kind: 'partner', partnerId: s.partnerId }, label: await partnerName(o.db, s.partnerId), credentialId: s.credentialId, session };
    }
  }

  async function audit(viewer: OutcomesViewer, action: PartnerAccessAction, outcome: PartnerAccessOutcome, requestedPartnerId?: string): Promise<void> {
    if (viewer.scope.kind !== 'partner' || !viewer.credentialId) return;
    await recordPartnerAccess(o.db, { credentialId: viewer.credentialId, partnerId: viewer.scope.partnerId, action, outcome, requestedPartnerId });
  }

  return { viewerOf, audit };
}

/** Constant-time comparison of a posted CSRF token with the session's. */
export function sameToken(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
