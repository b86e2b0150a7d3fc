/**
 * A studio sign-in layer on the real edge (createApp + listen: forms arrive as raw bytes, errors
 * through the app's errorHandler), a clock the test moves, every log line kept, and probe routes
 * standing in for the studio's other routers: one per permission, a page, and a form.
 */
import { Writable } from 'node:stream';
import express from 'express';
import { createApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { createLogger } from '../../../src/log.ts';
import { studioAuth, type StudioAuth } from '../../../src/studio/auth/studioAuth.ts';
import { inviteStaff } from '../../../src/studio/auth/staffAccounts.ts';
import { page } from '../../../src/studio/layout.ts';
import { staffOf, type Permission, type Role } from '../../../src/studio/staff.ts';
import type { Db } from '../../../src/store/db.ts';

export const PERMISSIONS: Permission[] = ['read', 'wording', 'edit', 'publish', 'data'];
export const SESSION_HOURS = 8;
export const INVITE_HOURS = 72;

export interface Studio {
  base: string;
  auth: StudioAuth;
  /** Log lines (JSON, LOG_LEVEL debug). */
  lines: string[];
  /** Changes the probe routes made. */
  changes: () => number;
  clock: { at: Date; advance(ms: number): void };
  invite(email: string, role: Role): Promise<string>;
  close(): Promise<void>;
}

export async function startStudio(db: Db): Promise<Studio> {
  const lines: string[] = [];
  const logger = createLogger('debug', {
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    }),
  });
  const clock = {
    at: new Date('2026-12-01T09:00:00Z'),
    advance(ms: number) {
      this.at = new Date(this.at.getTime() + ms);
    },
  };
  let changes = 0;
  const auth = studioAuth({ db, logger, sessionHours: SESSION_HOURS, inviteHours: INVITE_HOURS, publicUrl: 'http://localhost', now: () => clock.at });
  const probe = express.Router();
  for (const p of PERMISSIONS) {
    probe.get(`/api/probe/${p}`, auth.guard.require(p), (_req, res) => {
      res.json({ ok: true, as: staffOf(res.locals).email });
    });
    probe.post(`/api/probe/${p}`, auth.guard.require(p), async (req, res) => {
      changes++;
      await auth.guard.audit(req, `probe.${p}`, `change ${changes}`, { permission: p });
      res.json({ ok: true });
    });
  }
  probe.get('/flows', auth.guard.require('read'), (_req, res) => {
    res.type('html').send(page({ title: 'Flows', staff: staffOf(res.locals), active: 'flows', body: '<p>flows</p>' }));
  });
  probe.post('/flows/rename', auth.guard.require('edit'), (_req, res) => {
    changes++;
    res.redirect(303, '/studio/flows');
  });
  const app = createApp({ logger, bodyLimit: '64kb', readiness: [], routes: [['/studio', auth.router], ['/studio', probe]] });
  const server: RunningServer = await listen(app, 0, '127.0.0.1');
  const publicUrl = () => `http://localhost:${server.port}`;
  return {
    base: `http://127.0.0.1:${server.port}`,
    auth,
    lines,
    changes: () => changes,
    clock,
    invite: async (email, role) => {
      const r = await inviteStaff(db, { email, role }, { publicUrl: publicUrl(), inviteHours: INVITE_HOURS, now: clock.at });
      return new URL(r.link.url).searchParams.get('token')!;
    },
    close: () => server.close(1000),
  };
}

export interface Call {
  method?: string;
  cookie?: string | undefined;
  csrf?: string | undefined;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
}

/** One request, redirects not followed. */
export function call(base: string, path: string, c: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.cookie) headers['cookie'] = c.cookie;
  if (c.csrf) headers['x-csrf-token'] = c.csrf;
  let body: string | undefined;
  if (c.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(c.form).toString();
  } else if (c.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(c.json);
  }
  return fetch(`${base}${path}`, { method: c.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' });
}

/** The session cookie a sign-in set, as a Cookie header; and the raw Set-Cookie line. */
export function sessionCookieOf(res: Response): { cookie: string; setCookie: string } {
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('anchorline_studio='));
  if (!setCookie) throw new Error(`no session cookie (status ${res.status})`);
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

/** Follows an invitation to a session: the form POST the sign-in page makes. */
export async function signIn(base: string, token: string, next?: string): Promise<{ cookie: string; csrf: string; res: Response }> {
  const res = await call(base, '/studio/signin', { form: { token, ...(next === undefined ? {} : { next }) } });
  const { cookie } = sessionCookieOf(res);
  const me = (await (await call(base, '/studio/api/me', { cookie })).json()) as { csrf: string };
  return { cookie, csrf: me.csrf, res };
}
