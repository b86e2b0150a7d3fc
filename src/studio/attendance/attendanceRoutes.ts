import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { markAttendance, refusalText, sessionIdSchema, type MarkResult } from '../../domain/outcomes/attendance.ts';
import { AppError } from '../../errors.ts';
import { attendanceRepo, type StartedSession } from '../../store/attendance.ts';
import type { Db } from '../../store/db.ts';
import { formBody } from '../formBody.ts';
import { page } from '../layout.ts';
import { can, staffOf, type StudioGuard } from '../staff.ts';
import { CHOICES, registerBody, sessionListBody, type Choice, type RegisterPageData } from './attendanceBodies.ts';

export interface AttendanceRoutesOptions {
  db: Db;
  guard: StudioGuard;
  /** The clock (tests). */
  now?: () => Date;
}

/** How far back the list of sessions reaches: a register is marked within days, corrected within weeks. */
export const LIST_DAYS = 60;

const choiceSchema = z.enum(CHOICES.map((c) => c.value) as [Choice, ...Choice[]]);
/** The register form: the CSRF token (checked by the guard) and `b-<booking id>` → a choice. */
const registerFormSchema = z
  .record(z.string(), z.string())
  .superRefine((fields, ctx) => {
    for (const [name, value] of Object.entries(fields)) {
      if (name === 'csrf') continue;
      if (!/^b-[1-9]\d{0,14}$/.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'not a field of the register' });
      else if (!choiceSchema.safeParse(value).success) ctx.addIssue({ code: 'custom', path: [name], message: 'choose went, did not go or not marked' });
    }
  })
  .transform((fields) => {
    const chosen: Record<number, Choice> = {};
    for (const [name, value] of Object.entries(fields)) if (name !== 'csrf') chosen[Number(name.slice(2))] = value as Choice;
    return chosen;
  });

const savedSchema = z.object({ saved: z.coerce.number().int().min(0).max(100_000), changed: z.coerce.number().int().min(0).max(100_000) });

/**
 * /studio/attendance (issue 15): coordinators mark who went to each course session that has
 * started, through the same domain function as the CLI and the CSV import (`markAttendance`).
 * Reading needs `read`; saving needs `data` (the guard checks the CSRF token), is one transaction
 * (a problem with one booking saves nothing), is audited with counts and booking numbers only,
 * and answers 303 back to the register.
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
    const chosen = formBody(req, registerFormSchema);
    const staff = staffOf(res.locals);
    const t = now();
    const current = new Map((await attendanceRepo.register(o.db, session.id)).map((l) => [l.bookingId, l]));
    const errors: Array<{ bookingId: number; message: string }> = [];
    const done: Array<Extract<MarkResult, { type: 'marked' }>> = [];
    for (const [id, choice] of Object.entries(chosen)) {
      const line = current.get(Number(id));
      if (choice === 'unmarked' && line?.mark) errors.push({ bookingId: Number(id), message: 'a mark can be corrected (went or did not go) but not taken back' });
    }
    class Refused extends Error {}
    if (errors.length === 0) {
      try {
        await o.db.transaction(async (tx) => {
          for (const [id, choice] of Object.entries(chosen)) {
            if (choice === 'unmarked') continue;
            const out = await markAttendance(tx, { bookingId: Number(id), sessionId: session.id, attended: choice === 'went' }, { source: 'coordinator', markedBy: `staff:${staff.id}` }, t);
            if (out.type === 'marked') done.push(out);
            else if (out.type !== 'alreadyMarked') errors.push({ bookingId: out.bookingId, message: refusalText(out) });
          }
          if (errors.length) throw new Refused();
        });
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
      }
    }
    if (errors.length) {
      // A booking number the register does not show (cancelled meanwhile, or typed by hand) has no fieldset to link to.
      const shown = errors.map((e) => (current.has(e.bookingId) ? e : { bookingId: 0, message: `Booking ${e.bookingId}: ${e.message}` }));
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
