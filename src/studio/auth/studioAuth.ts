import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, errorStatus } from '../../errors.ts';
import type { Db } from '../../store/db.ts';
import { insertStudioAudit } from '../../store/studioAudit.ts';
import { deleteStudioSession, deleteStudioSessions, findStudioSession, insertStudioSession, touchStudioSession, type StudioSessionRecord } from '../../store/studioSessions.ts';
import { deleteStudioSigninLinks, studioSigninLinkUsable, useStudioSigninLink } from '../../store/studioSigninLinks.ts';
import { markStudioSignin } from '../../store/studioStaff.ts';
import { formBody } from '../formBody.ts';
import { can, staffOf, type Staff, type StudioGuard } from '../staff.ts';
import { checkCsrf, SAFE_METHODS } from './checkCsrf.ts';
import { safeNext } from './safeNext.ts';
import { newSecret, secretHash, secretSchema } from './secretToken.ts';
import { SESSION_COOKIE, SESSION_MAX_MS, sessionCookieOptions, sessionIdOf } from './sessionCookie.ts';
import { signinButtonPage, signinCrossSitePage, signinGonePage, signinHelpPage } from './signinPages.ts';

export interface StudioAuthOptions {
  db: Db;
  logger: Logger;
  /** STUDIO_SESSION_HOURS: a session ends after this long without a request. */
  sessionHours: number;
  /** STUDIO_INVITE_HOURS and PUBLIC_URL: how links minted from the studio would be made (the command line mints them today). */
  inviteHours: number;
  publicUrl: string;
  now?: () => Date;
}

export interface StudioAuth {
  /** Mounted at /studio: GET|POST /signin, POST /signout, GET /api/me. */
  router: express.Router;
  guard: StudioGuard;
}

/** A session's last_seen_at is written at most this often: inactivity is measured to the minute, not on every request. */
const TOUCH_EVERY_MS = 60_000;

const queryOf = z.object({ token: z.string().optional(), next: z.string().optional() });
const signinForm = z.object({ token: z.string().optional(), next: z.string().max(2048).optional().catch(undefined) });

/** Sign-in pages carry a token in their address: never cached, never sent on as a referrer, never framed. */
function pageHeaders(res: Response): void {
  res.set({
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'X-Robots-Tag': 'noindex, nofollow',
    'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  });
}

function pathOf(req: Request): string {
  return (req.originalUrl || req.url).split('?')[0] ?? '';
}

/**
 * Studio accounts in the browser (issue 13): the sign-in pages, sessions in the database behind
 * an `HttpOnly; Secure; SameSite=Strict` cookie, CSRF checks, roles, and the audit writer. Every
 * other studio router takes `guard` and puts `guard.require(permission)` before its handlers.
 *
 * @example
 *   const auth = studioAuth({ db, logger, sessionHours: 8, inviteHours: 72, publicUrl });
 *   routes: [['/studio', auth.router], ['/studio', flowsRouter(auth.guard)]]
 */
export function studioAuth(opts: StudioAuthOptions): StudioAuth {
  const { db, logger } = opts;
  const now = opts.now ?? (() => new Date());
  const limits = (at: Date) => ({ idleSince: new Date(at.getTime() - opts.sessionHours * 3_600_000), startedSince: new Date(at.getTime() - SESSION_MAX_MS) });
  // Several guards (a router's and a route's) may run on one request: the session is looked up once.
  const looked = new WeakMap<Request, StudioSessionRecord | null>();

  async function sessionOf(req: Request): Promise<StudioSessionRecord | undefined> {
    if (looked.has(req)) return looked.get(req) ?? undefined;
    const id = sessionIdOf(req);
    const at = now();
    const session = id ? await findStudioSession(db, secretHash(id), limits(at)) : undefined;
    if (session && at.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await touchStudioSession(db, session.idSha256, at);
    looked.set(req, session ?? null);
    return session;
  }

  const staffOfSession = (s: StudioSessionRecord): Staff => ({ id: s.staffId, email: s.email, role: s.role, csrf: s.csrf });

  const guard: StudioGuard = {
    require: (permission) => async (req, res, next) => {
      const session = await sessionOf(req);
      if (!session) {
        const page = (req.method === 'GET' || req.method === 'HEAD') && !/^\/studio\/api(\/|$)/.test(pathOf(req));
        if (page) return res.redirect(303, `/studio/signin?next=${encodeURIComponent(req.originalUrl)}`);
        throw new AppError('studio_signin_required', 'sign in to the studio first (your session may have ended)');
      }
      if (!SAFE_METHODS.has(req.method)) checkCsrf(req, session.csrf);
      if (!can(session.role, permission)) throw new AppError('forbidden', `a ${session.role} may not do this (it needs the "${permission}" permission)`);
      res.locals['staff'] = staffOfSession(session);
      res.set('Cache-Control', 'no-store');
      next();
    },
    audit: async (req, action, subject, detail) => {
      const staff = staffOf(req.res?.locals ?? {});
      await insertStudioAudit(db, { at: now(), actor: { via: 'studio', staffId: staff.id, email: staff.email }, action, subject, detail });
    },
  };

  const r = express.Router();

  r.get('/signin', async (req, res) => {
    pageHeaders(res);
    const q = queryOf.safeParse(req.query);
    const token = q.success ? q.data.token : undefined;
    if (token === undefined && q.success) return res.type('html').send(signinHelpPage());
    const valid = secretSchema.safeParse(token);
    // Looking is not using: a link scanner's GET leaves the link working.
    if (!valid.success || !(await studioSigninLinkUsable(db, secretHash(valid.data), now()))) {
      return res.status(errorStatus.invitation_gone).type('html').send(signinGonePage());
    }
    res.type('html').send(signinButtonPage(valid.data, q.success ? q.data.next : undefined));
  });

  r.post('/signin', async (req, res) => {
    pageHeaders(res);
    // Login CSRF: another site's form posting its owner's link would sign this browser into the
    // attacker's account, and what the victim then types would land there. The link is left unused.
    if (req.get('sec-fetch-site') === 'cross-site') return res.status(errorStatus.csrf_failed).type('html').send(signinCrossSitePage());
    const form = formBody(req, signinForm);
    const token = secretSchema.safeParse(form.token);
    const previous = sessionIdOf(req);
    const at = now();
    const signedIn = token.success
      ? await db.transaction(async (tx) => {
          const staffId = await useStudioSigninLink(tx, secretHash(token.data), at);
          if (!staffId) return undefined;
          // One session per browser: the one this browser had ends (whoever it was for), so a
          // shared computer never keeps an earlier person's session behind the new cookie.
          if (previous) await deleteStudioSession(tx, secretHash(previous));
          const sessionId = newSecret();
          await insertStudioSession(tx, { idSha256: secretHash(sessionId), staffId, csrf: newSecret(), at });
          const session = await findStudioSession(tx, secretHash(sessionId), limits(at));
          if (!session) throw new Error('a session just made is not found');
          await markStudioSignin(tx, staffId, at);
          await insertStudioAudit(tx, { at, actor: { via: 'studio', staffId, email: session.email }, action: 'staff.signin', subject: session.email });
          // Housekeeping while here: sessions and links that can no longer be used.
          await deleteStudioSessions(tx, limits(at));
          await deleteStudioSigninLinks(tx, { before: at });
          return { sessionId, staffId };
        })
      : undefined;
    if (!signedIn) return res.status(errorStatus.invitation_gone).type('html').send(signinGonePage());
    logger.info({ staffId: signedIn.staffId }, 'studio: signed in');
    res.cookie(SESSION_COOKIE, signedIn.sessionId, { ...sessionCookieOptions, maxAge: SESSION_MAX_MS });
    res.redirect(303, safeNext(form.next));
  });

  r.post('/signout', async (req, res) => {
    const session = await sessionOf(req);
    if (session) {
      checkCsrf(req, session.csrf);
      await db.transaction(async (tx) => {
        await deleteStudioSession(tx, session.idSha256);
        await insertStudioAudit(tx, { at: now(), actor: { via: 'studio', staffId: session.staffId, email: session.email }, action: 'staff.signout', subject: session.email });
      });
      logger.info({ staffId: session.staffId }, 'studio: signed out');
    }
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions);
    res.redirect(303, '/studio/signin');
  });

  r.get('/api/me', guard.require('read'), (_req, res) => {
    const staff = staffOf(res.locals);
    res.json({ email: staff.email, role: staff.role, csrf: staff.csrf });
  });

  r.all('/signin', () => {
    throw new AppError('method_not_allowed', 'use GET or POST', { headers: { Allow: 'GET, POST' } });
  });
  r.all('/signout', () => {
    throw new AppError('method_not_allowed', 'use POST', { headers: { Allow: 'POST' } });
  });
  return { router: r, guard };
}
