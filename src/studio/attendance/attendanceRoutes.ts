import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { markAttendance, refusalText, sessionIdSchema, type MarkResult } from '../../domain/outcomes/attendance.ts';
import { AppError } from '../../errors.ts';
import { attendanceRepo, type StartedSession } from '../../store/attendance.ts';
import type { Db } from '../../store/db.ts';
import { formBody } from '../formBody.ts';
import { page } from '../layout.ts';
import { can, staffOf, type StudioGuard } from '../staff.ts';
import { CHOICES, markText, registerBody, sessionListBody, type Choice, type RegisterPageData } from './attendanceBodies.ts';

export interface AttendanceRoutesOptions {
  db: Db;
  guard: StudioGuard;
  /** The clock (tests). */
  now?: () => Date;
}

/** How far back the list of sessions reaches: a register is marked within days, corrected within weeks. */
export const LIST_DAYS = 60;

const choiceSchema = z.enum(CHOICES.map((c) => c.value) as [Choice, ...Choice[]]);

/** One booking of a posted register: what the coordinator chose, and the mark the page showed. */
export interface PostedLine {
  bookingId: number;
  chosen: Choice;
  shown: Choice;
}

/**
 * The register form: the CSRF token (checked by the guard) and, per booking, `b-<booking id>` → the
 * choice and `s-<booking id>` → the mark the page showed (a hidden field), always together.
 */
const registerFormSchema = z
  .record(z.string(), z.string())
  .superRefine((fields, ctx) => {
    for (const [name, value] of Object.entries(fields)) {
      if (name === 'csrf') continue;
      const m = /^([bs])-([1-9]\d{0,14})$/.exec(name);
      if (!m) ctx.addIssue({ code: 'custom', path: [name], message: 'not a field of the register' });
      else if (!choiceSchema.safeParse(value).success) ctx.addIssue({ code: 'custom', path: [name], message: 'choose went, did not go or not marked' });
      else if (fields[`${m[1] === 'b' ? 's' : 'b'}-${m[2]}`] === undefined) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'the register page was incomplete: open it again' });
      }
    }
  })
  .transform((fields): PostedLine[] =>
    Object.keys(fields)
      .filter((name) => name.startsWith('b-'))
      .map((name) => ({ bookingId: Number(name.slice(2)), chosen: fields[name] as Choice, shown: fields[`s-${name.slice(2)}`] as Choice })),
  );

const savedSchema = z.object({ saved: z.coerce.number().int().min(0).max(100_000), changed: z.coerce.number().int().min(0).max(100_000) });

/**
 * /studio/attendance (issue 15): coordinators mark who went to each course session that has
 * started, through the same domain function as the CLI and the CSV import (`markAttendance`).
 * Reading needs `read`; saving needs `data` (the guard checks the CSRF token), is one transaction
 * (a problem with one booking saves nothing), is audited with counts and booking numbers only,
 * and answers 303 back to the register.
 *
 * Only what the coordinator changed is saved: each booking posts back the mark the page showed,
 * and a booking whose choice is still that is left alone (a resident's own answer stays theirs).
 * A changed one is saved only if its mark, read under the booking's lock, is still the one shown;
 * otherwise someone marked it since (chat, CLI, CSV, another page) and the save is refused with
 * those bookings named and their current marks shown, so nobody's mark is overwritten unseen.
 */
export function attendanceRoutes(o: AttendanceRoutesOptions): express.Router {
  const r = express.Router();
  const now = o.now ?? (() => new Date());
  const read = o.guard.require('read');
  const change = o.guard.require('data');

  function render(res: Response, status: number, title: string, body: string): void {
    res
      .status(status)
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(page({ title: status >= 400 ? `Error: ${title}` : title, staff: staffOf(res.locals), active: 'attendance', body }));
  }

  async function startedSession(value: unknown): Promise<StartedSession> {
    const id = sessionIdSchema.safeParse(value);
    if (!id.success) throw new AppError('not_found', 'no such session');
    const [s] = await attendanceRepo.startedSessions(o.db, { from: new Date(0), now: now(), sessionId: id.data });
    if (s) return s;
    const known = await attendanceRepo.sessionStart(o.db, id.data);
    if (!known) throw new AppError('not_found', `no session ${id.data}`);
    throw new AppError('data_conflict', known.cancelled ? `session ${id.data} was cancelled: there is no attendance to mark` : `session ${id.data} has not started yet: mark attendance once it has`);
  }

  async function renderRegister(res: Response, session: StartedSession, status: number, extra: Partial<RegisterPageData> = {}): Promise<void> {
    const staff = staffOf(res.locals);
    const lines = await attendanceRepo.register(o.db, session.id);
    render(res, status, `Attendance: ${session.courseName}`, registerBody({ session, lines, canEdit: can(staff.role, 'data'), csrf: staff.csrf, ...extra }));
  }

  r.get('/', read, async (_req, res) => {
    const t = now();
    const sessions = await attendanceRepo.startedSessions(o.db, { from: new Date(t.getTime() - LIST_DAYS * 24 * 3600_000), now: t });
    render(res, 200, 'Attendance', sessionListBody(sessions));
  });

  r.get('/:sessionId', read, async (req, res) => {
    const session = await startedSession(req.params.sessionId);
    const saved = savedSchema.safeParse(req.query);
    const done = saved.success ? `Saved: ${saved.data.saved} booking(s) marked, ${saved.data.changed} of them new or changed.` : undefined;
    await renderRegister(res, session, 200, done ? { done } : {});
  });

  r.post('/:sessionId', change, async (req: Request, res) => {
    const session = await startedSession(req.params.sessionId);
    const posted = formBody(req, registerFormSchema);
    const staff = staffOf(res.locals);
    const t = now();
    // What the coordinator changed; a booking left as the page showed it is not touched.
    const touched = posted.filter((p) => p.chosen !== p.shown);
    const errors: Array<{ bookingId: number; message: string }> = [];
    const changedMeanwhile = new Set<number>();
    const done: Array<Extract<MarkResult, { type: 'marked' }>> = [];
    for (const p of touched) {
      if (p.chosen === 'unmarked') errors.push({ bookingId: p.bookingId, message: 'a mark can be corrected (went or did not go) but not taken back' });
    }
    class Refused extends Error {}
    if (errors.length === 0) {
      try {
        await o.db.transaction(async (tx) => {
          for (const p of touched) {
            const expected = p.shown === 'unmarked' ? null : p.shown === 'went';
            const out = await markAttendance(
              tx,
              { bookingId: p.bookingId, sessionId: session.id, attended: p.chosen === 'went', expected },
              { source: 'coordinator', markedBy: `staff:${staff.id}` },
              t,
            );
            if (out.type === 'marked') done.push(out);
            else if (out.type === 'changedMeanwhile') changedMeanwhile.add(out.bookingId);
            else if (out.type !== 'alreadyMarked') errors.push({ bookingId: out.bookingId, message: refusalText(out) });
          }
          if (errors.length || changedMeanwhile.size) throw new Refused();
        });
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
      }
    }
    if (errors.length || changedMeanwhile.size) {
      // The register as it is now: the marks made meanwhile are shown, and posted back as shown.
      const current = new Map((await attendanceRepo.register(o.db, session.id)).map((l) => [l.bookingId, l]));
      for (const id of changedMeanwhile) {
        const line = current.get(id);
        const state = line ? `it is now: ${markText(line)}` : 'it no longer holds a seat';
        errors.push({ bookingId: id, message: `someone else marked it after you opened this page (${state}). Check it and save again` });
      }
      errors.sort((a, b) => a.bookingId - b.bookingId);
      // Keep only the coordinator's own changes, so a mark made meanwhile is shown as it now is.
      const chosen: Record<number, Choice> = {};
      for (const p of touched) if (!changedMeanwhile.has(p.bookingId)) chosen[p.bookingId] = p.chosen;
      // A booking number the register does not show (cancelled meanwhile, or typed by hand) has no fieldset to link to.
      const shown = errors.map((e) => (current.has(e.bookingId) ? e : { bookingId: 0, message: `Booking number ${e.bookingId}: ${e.message}` }));
      return renderRegister(res, session, 409, { errors: shown, chosen });
    }
    const changed = done.filter((d) => d.changed).map((d) => d.bookingId);
    await o.guard.audit(req, 'attendance.save', session.id, {
      went: done.filter((d) => d.attended).length,
      absent: done.filter((d) => !d.attended).length,
      changed,
    });
    res.redirect(303, `${req.baseUrl}/${encodeURIComponent(session.id)}?saved=${done.length}&changed=${changed.length}`);
  });

  return r;
}
