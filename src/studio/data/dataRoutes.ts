import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { addSession } from '../../domain/courses/addSession.ts';
import { cancelSession } from '../../domain/courses/cancelSession.ts';
import { changeCapacity } from '../../domain/courses/changeCapacity.ts';
import { sessionInputSchema } from '../../domain/courses/courseFileSchema.ts';
import type { CourseOptions } from '../../domain/courses/courseOptions.ts';
import { COURSE_TIME_ZONE } from '../../domain/courses/formatWhen.ts';
import { loadProgrammes } from '../../domain/eligibility/loadProgrammes.ts';
import type { Programme } from '../../domain/eligibility/programmeSchema.ts';
import type { Notices } from '../../domain/shared/notices.ts';
import type { Send } from '../../domain/shared/send.ts';
import { DataFileError } from '../../domain/shared/yamlFile.ts';
import { addVacancy } from '../../domain/vacancies/addVacancy.ts';
import { closeVacancy } from '../../domain/vacancies/closeVacancy.ts';
import { londonDate } from '../../domain/vacancies/matchVacancies.ts';
import { vacancyInputSchema } from '../../domain/vacancies/partnerFileSchema.ts';
import { reopenVacancy } from '../../domain/vacancies/reopenVacancy.ts';
import { AppError } from '../../errors.ts';
import { listCourses, listSessionOverview, type SessionOverview } from '../../store/courses/sessionOverview.ts';
import type { Db } from '../../store/db.ts';
import { listPartners, listVacancyOverview } from '../../store/partners/vacancyOverview.ts';
import { formBody } from '../formBody.ts';
import { page } from '../layout.ts';
import { can, staffOf, type StudioGuard } from '../staff.ts';
import { cancelSessionBody } from './cancelSessionBody.ts';
import { courseBody, type CoursePageData } from './courseBody.ts';
import { emptyForm, errorsOf, plainErrors, type FormState } from './dataHtml.ts';
import { capacityFromForm, closingDateFromForm, sessionFromForm, vacancyFromForm } from './dataForms.ts';
import { doneMessage, type DoneQuery } from './doneMessage.ts';
import { overviewBody } from './overviewBody.ts';
import { partnerBody, type PartnerPageData } from './partnerBody.ts';
import { programmeBody, programmeListBody } from './programmeBodies.ts';

export interface DataRoutesOptions {
  db: Db;
  guard: StudioGuard;
  /** Delivers replies outside a turn (engine.sendProactive): how residents of a cancelled session are told. */
  send: Send;
  /** Wording in the resident's language (the live flow set's, as the app builds it). */
  notices: Notices;
  courseOptions: CourseOptions;
  logger: Logger;
  /** flows/programmes.yaml: programmes are shown from it, read-only. */
  programmesFile: string;
  /** The clock (tests). */
  now?: () => Date;
}

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/);
const fieldsSchema = z.record(z.string(), z.string());

function idParam(value: unknown, what: string): string {
  const id = idSchema.safeParse(value);
  if (!id.success) throw new AppError('not_found', `no such ${what}`);
  return id.data;
}

/**
 * The studio's programme data pages (issue 13), mounted at /studio/data: server-rendered HTML
 * with plain forms (no JavaScript needed). Reading needs `read`; every change needs `data` (the
 * guard also checks the CSRF token), is checked by the schema of the file it would be written in,
 * is audited, and answers 303 to the page with what was done; a refused change re-renders the form
 * with the problems (400, or 409 for a conflict with what is stored).
 */
export function dataRoutes(o: DataRoutesOptions): express.Router {
  const r = express.Router();
  const now = o.now ?? (() => new Date());
  const env = () => ({ now: now(), options: o.courseOptions });

  function render(res: Response, status: number, title: string, body: string): void {
    res
      .status(status)
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(page({ title: status >= 400 ? `Error: ${title}` : title, staff: staffOf(res.locals), active: 'data', body }));
  }

  const canEdit = (res: Response) => can(staffOf(res.locals).role, 'data');

  function redirectDone(req: Request, res: Response, path: string, q: DoneQuery, anchor = ''): void {
    const params = new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
    res.redirect(303, `${req.baseUrl}${path}?${params.toString()}${anchor}`);
  }

  async function programmes(): Promise<{ programmes: Programme[]; problems: string[] }> {
    try {
      return { programmes: await loadProgrammes(o.programmesFile), problems: [] };
    } catch (err) {
      if (err instanceof DataFileError) return { programmes: [], problems: err.issues };
      throw err;
    }
  }

  async function sessionOf(sessionId: string): Promise<SessionOverview> {
    const [s] = await listSessionOverview(o.db, { after: new Date(0), timeZone: COURSE_TIME_ZONE, sessionId });
    if (!s) throw new AppError('not_found', `no session ${sessionId}`);
    return s;
  }

  async function renderCourse(req: Request, res: Response, courseId: string, status: number, extra: Partial<CoursePageData> = {}): Promise<void> {
    const [course] = await listCourses(o.db, [courseId]);
    if (!course) throw new AppError('not_found', `no course ${courseId}`);
    const sessions = await listSessionOverview(o.db, { after: now(), timeZone: COURSE_TIME_ZONE, courseId });
    const data: CoursePageData = { course, sessions, csrf: staffOf(res.locals).csrf, canEdit: canEdit(res), now: now(), add: emptyForm(), ...extra };
    render(res, status, `Course: ${course.name}`, courseBody(data));
  }

  async function renderPartner(req: Request, res: Response, partnerId: string, status: number, extra: Partial<PartnerPageData> = {}): Promise<void> {
    const [partner] = await listPartners(o.db, [partnerId]);
    if (!partner) throw new AppError('not_found', `no partner ${partnerId}`);
    const vacancies = await listVacancyOverview(o.db, { partnerId });
    const data: PartnerPageData = {
      partner,
      vacancies,
      csrf: staffOf(res.locals).csrf,
      canEdit: canEdit(res),
      today: londonDate(now()),
      add: { values: { 'requirements.drivingLicence': 'no' }, errors: {} },
      ...extra,
    };
    render(res, status, `Partner: ${partner.name}`, partnerBody(data));
  }

  const read = o.guard.require('read');
  const change = o.guard.require('data');

  r.get('/', read, async (req, res) => {
    const p = await programmes();
    const t = now();
    const body = overviewBody(
      {
        programmes: p.programmes,
        programmeProblems: p.problems,
        courses: await listCourses(o.db),
        sessions: await listSessionOverview(o.db, { after: t, timeZone: COURSE_TIME_ZONE }),
        partners: await listPartners(o.db),
        vacancies: await listVacancyOverview(o.db),
        today: londonDate(t),
      },
      t,
      doneMessage(req.query),
    );
    render(res, 200, 'Programme data', body);
  });

  r.get('/programmes', read, async (req, res) => {
    const p = await programmes();
    render(res, 200, 'Programmes', programmeListBody(p.programmes, p.problems));
  });

  r.get('/programmes/:id', read, async (req, res) => {
    const id = idParam(req.params.id, 'programme');
    const p = (await programmes()).programmes.find((x) => x.id === id);
    if (!p) throw new AppError('not_found', `no programme ${id} in flows/programmes.yaml`);
    const courses = (await listCourses(o.db)).filter((c) => c.programmeId === id);
    render(res, 200, `Programme: ${p.name}`, programmeBody(p, courses));
  });

  r.get('/courses/:id', read, async (req, res) => {
    await renderCourse(req, res, idParam(req.params.id, 'course'), 200, { done: doneMessage(req.query) });
  });

  r.post('/courses/:id/sessions', change, async (req, res) => {
    const courseId = idParam(req.params.id, 'course');
    const values = formBody(req, fieldsSchema);
    const parsed = sessionInputSchema.safeParse(sessionFromForm(values), { error: plainErrors });
    const refuse = (status: number, errors: FormState['errors']) => renderCourse(req, res, courseId, status, { add: { values, errors } });
    if (!parsed.success) return refuse(400, errorsOf(parsed.error));
    const out = await addSession(o.db, courseId, parsed.data, env());
    switch (out.type) {
      case 'courseNotFound':
        throw new AppError('not_found', `no course ${courseId}`);
      case 'exists':
        return refuse(409, { id: `A session with the id ${out.sessionId} exists already: choose another id` });
      case 'inPast':
        return refuse(400, { startDate: 'This date and start time have passed: choose a later date' });
      case 'added':
        await o.guard.audit(req, 'data.session.add', out.sessionId, { courseId, startDate: parsed.data.startDate, capacity: parsed.data.capacity });
        return redirectDone(req, res, `/courses/${courseId}`, { done: 'sessionAdded', id: out.sessionId });
    }
  });

  r.post('/sessions/:id/capacity', change, async (req, res) => {
    const sessionId = idParam(req.params.id, 'session');
    const session = await sessionOf(sessionId);
    const values = formBody(req, fieldsSchema);
    const refuse = (status: number, message: string) =>
      renderCourse(req, res, session.courseId, status, { capacity: { sessionId, form: { values, errors: { capacity: message } } } });
    const capacity = capacityFromForm(values);
    if (typeof capacity !== 'number' || !Number.isInteger(capacity)) return refuse(400, 'Enter the number of seats, a whole number from 1 to 500');
    const out = await changeCapacity(o.db, sessionId, capacity, env());
    switch (out.type) {
      case 'notFound':
        throw new AppError('not_found', `no session ${sessionId}`);
      case 'invalid':
        return refuse(400, `Capacity: ${out.message}`);
      case 'belowSeatsHeld':
        return refuse(
          409,
          `${out.seatsHeld} seat(s) are booked or offered, so the capacity cannot be below ${out.seatsHeld}; it stays ${out.capacity}`,
        );
      case 'cancelled':
        return refuse(409, 'This session is cancelled: its capacity cannot change');
      case 'started':
        return refuse(409, 'This session has started: its capacity cannot change');
      case 'unchanged':
        return redirectDone(req, res, `/courses/${session.courseId}`, { done: 'capacityUnchanged', id: sessionId, n: out.capacity });
      case 'changed':
        await o.guard.audit(req, 'data.session.capacity', sessionId, { from: out.from, to: out.to, offered: out.offered });
        return redirectDone(req, res, `/courses/${session.courseId}`, { done: 'capacityChanged', id: sessionId, n: out.to, m: out.offered });
    }
  });

  async function renderCancel(req: Request, res: Response, session: SessionOverview, status: number, problem?: string): Promise<void> {
    const [course] = await listCourses(o.db, [session.courseId]);
    render(res, status, `Cancel session ${session.id}?`, cancelSessionBody(session, course?.name ?? session.courseId, staffOf(res.locals).csrf, problem));
  }

  r.get('/sessions/:id/cancel', change, async (req, res) => {
    const session = await sessionOf(idParam(req.params.id, 'session'));
    const problem = session.cancelledAt
      ? 'This session is already cancelled.'
      : session.startsAt <= now()
        ? 'This session has started: it cannot be cancelled.'
        : undefined;
    await renderCancel(req, res, session, 200, problem);
  });

  r.post('/sessions/:id/cancel', change, async (req, res) => {
    const sessionId = idParam(req.params.id, 'session');
    const session = await sessionOf(sessionId);
    formBody(req, fieldsSchema);
    const out = await cancelSession(o.db, { send: o.send, notices: o.notices, logger: o.logger }, sessionId, env());
    switch (out.type) {
      case 'notFound':
        throw new AppError('not_found', `no session ${sessionId}`);
      case 'started':
        return renderCancel(req, res, session, 409, 'This session has started: it cannot be cancelled.');
      case 'alreadyCancelled':
        return redirectDone(req, res, `/courses/${session.courseId}`, { done: 'alreadyCancelled', id: sessionId });
      case 'cancelled':
        await o.guard.audit(req, 'data.session.cancel', sessionId, { residents: out.residents, told: out.told, booked: out.booked, waiting: out.waiting });
        return redirectDone(req, res, `/courses/${session.courseId}`, { done: 'sessionCancelled', id: sessionId, n: out.told, m: out.residents });
    }
  });

  r.get('/partners/:id', read, async (req, res) => {
    await renderPartner(req, res, idParam(req.params.id, 'partner'), 200, { done: doneMessage(req.query) });
  });

  r.post('/partners/:id/vacancies', change, async (req, res) => {
    const partnerId = idParam(req.params.id, 'partner');
    const values = formBody(req, fieldsSchema);
    const parsed = vacancyInputSchema.safeParse(vacancyFromForm(values), { error: plainErrors });
    const refuse = (status: number, errors: FormState['errors']) => renderPartner(req, res, partnerId, status, { add: { values, errors } });
    if (!parsed.success) return refuse(400, errorsOf(parsed.error));
    const out = await addVacancy(o.db, partnerId, parsed.data);
    switch (out.type) {
      case 'partnerNotFound':
        throw new AppError('not_found', `no partner ${partnerId}`);
      case 'exists':
        return refuse(409, { id: `A vacancy with the id ${out.vacancyId} exists already: choose another id` });
      case 'added':
        await o.guard.audit(req, 'data.vacancy.add', out.vacancyId, { partnerId, closingDate: parsed.data.closingDate });
        return redirectDone(req, res, `/partners/${partnerId}`, { done: 'vacancyAdded', id: out.vacancyId });
    }
  });

  async function partnerOfVacancy(vacancyId: string): Promise<string> {
    const [v] = await listVacancyOverview(o.db, { vacancyId });
    if (!v) throw new AppError('not_found', `no vacancy ${vacancyId}`);
    return v.partnerId;
  }

  r.post('/vacancies/:id/close', change, async (req, res) => {
    const vacancyId = idParam(req.params.id, 'vacancy');
    const partnerId = await partnerOfVacancy(vacancyId);
    formBody(req, fieldsSchema);
    const out = await closeVacancy(o.db, vacancyId, now());
    switch (out.type) {
      case 'notFound':
        throw new AppError('not_found', `no vacancy ${vacancyId}`);
      case 'alreadyClosed':
        return redirectDone(req, res, `/partners/${partnerId}`, { done: 'vacancyAlreadyClosed', id: vacancyId, date: out.closingDate });
      case 'closed':
        await o.guard.audit(req, 'data.vacancy.close', vacancyId, { from: out.was, to: out.closingDate });
        return redirectDone(req, res, `/partners/${partnerId}`, { done: 'vacancyClosed', id: vacancyId, date: out.closingDate });
    }
  });

  r.post('/vacancies/:id/reopen', change, async (req, res) => {
    const vacancyId = idParam(req.params.id, 'vacancy');
    const partnerId = await partnerOfVacancy(vacancyId);
    const values = formBody(req, fieldsSchema);
    const refuse = (status: number, message: string) =>
      renderPartner(req, res, partnerId, status, { reopen: { vacancyId, form: { values, errors: { closingDate: message } } } });
    const date = z.iso.date().safeParse(closingDateFromForm(values));
    if (!date.success) return refuse(400, 'Enter the new closing date (YYYY-MM-DD)');
    const out = await reopenVacancy(o.db, vacancyId, date.data, now());
    switch (out.type) {
      case 'notFound':
        throw new AppError('not_found', `no vacancy ${vacancyId}`);
      case 'pastDate':
        return refuse(400, `The closing date must be today (${out.today}) or later`);
      case 'invalid':
        return refuse(400, out.message);
      case 'reopened':
        await o.guard.audit(req, 'data.vacancy.reopen', vacancyId, { from: out.was, to: out.closingDate });
        return redirectDone(req, res, `/partners/${partnerId}`, { done: 'vacancyReopened', id: vacancyId, date: out.closingDate });
    }
  });

  return r;
}
