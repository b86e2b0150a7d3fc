/**
 * The outcomes dashboard and what hangs off it, mounted under /admin (src/app.ts):
 * - GET  /outcomes/signin, POST /outcomes/signin, POST /outcomes/signout   browser sessions
 * - GET  /outcomes                          the dashboard (filters in the query)
 * - GET  /outcomes/export/<table>.csv       each table, same filters, same shown values
 * - GET  /outcomes/report?month=YYYY-MM     the monthly one-page report; report.pdf the same as PDF
 * - GET  /referrals/:code/poster, /referrals/:code/qr.svg   a referral route's poster and QR code
 *
 * The operator and coordinators see the network; a partner sees its own referral routes and
 * vacancies (the scope given to the report), and asking for another partner's route or vacancies
 * — or one that does not exist — is the same 403, so nothing tells them apart.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, toAppError } from '../../errors.ts';
import type { OutcomeFilters, OutcomeReport, OutcomeScope } from '../../domain/outcomes/outcomeReport.ts';
import type { Db } from '../../store/db.ts';
import { deleteOutcomesSession, type OutcomesSessionWho } from '../../store/outcomesSessions.ts';
import type { PartnerAccessAction } from '../../store/partnerCredentials.ts';
import { queryChoices } from '../../store/outcomeQueries.ts';
import { findReferralCode, listReferralCodes, referralCodeSchema } from '../../store/referralCodes.ts';
import { logRequestError } from '../errorHandler.ts';
import { badFiltersPage, dashboardPage, type FilterForm, type Who } from './dashboardPage.ts';
import { lastFullMonth, monthPeriod, monthSchema, readFilters } from './filters.ts';
import { monthlyReportPage } from './monthlyReport.ts';
import {
  checkSecret,
  OUTCOMES_COOKIE,
  openOutcomesSession,
  operatorTokenHash,
  outcomesAccess,
  outcomesCookieOptions,
  outcomesSessionIdOf,
  sameToken,
  sessionHash,
  type OutcomesViewer,
} from './outcomesAccess.ts';
import { csvFileName, tableCsv } from './outcomesCsv.ts';
import { outcomesHeaders } from './outcomesPage.ts';
import { outcomeTables, TABLE_IDS, type TableId } from './outcomeTables.ts';
import { posterPage, qrSvg, referralLink } from './poster.ts';
import { pdfQueue, type RenderPdf } from './pdfQueue.ts';
import { renderPdf } from './renderPdf.ts';
import { problemPage, signinPage } from './signinPage.ts';

/** The report for a scope and filters (loadOutcomes, bound to the database by the composition root). */
export type LoadOutcomes = (scope: OutcomeScope, filters: OutcomeFilters) => Promise<OutcomeReport>;

export interface OutcomesRoutesOptions {
  db: Db;
  load: LoadOutcomes;
  adminToken: string | undefined;
  publicUrl: string;
  chromiumPath: string;
  logger: Logger;
  now?: () => Date;
  /** HTML to PDF; default Chromium at chromiumPath (renderPdf.ts). Tests put a double here. */
  renderPdf?: RenderPdf;
  /** Report PDFs that may wait behind the one being printed (pdfQueue.ts); default 4. */
  pdfMaxWaiting?: number;
}

const signinForm = z.object({ credential: z.string().trim().min(1, 'paste your credential').max(200, 'that is longer than any credential') });
const signoutForm = z.object({ csrf: z.string().max(100).optional() });
const reportQuery = z.strictObject({
  month: monthSchema.optional(),
  partner: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'a partner id').optional(),
});
const exportFile = z.string().regex(/^[a-z0-9-]{1,40}\.csv$/).transform((f) => f.slice(0, -4)).pipe(z.enum(TABLE_IDS));

const NOT_YOURS_ROUTE = 'this is not one of your referral routes';
const NOT_YOURS_FILTER = 'you can filter by your own referral routes and vacancies only';

/** The fields of a form post, from the bytes the edge already bounded (req.rawBody). */
function formOf<S extends z.ZodType>(req: Request, schema: S): z.infer<S> | undefined {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  if (!req.is('application/x-www-form-urlencoded')) return undefined;
  const r = schema.safeParse(Object.fromEntries(new URLSearchParams(raw ? raw.toString('utf8') : '')));
  return r.success ? r.data : undefined;
}

/** Whether the caller wants a page (a browser) rather than JSON. */
const wantsPage = (req: Request) => req.accepts(['json', 'html']) === 'html';

export function outcomesRoutes(o: OutcomesRoutesOptions): express.Router {
  const now = o.now ?? (() => new Date());
  const access = outcomesAccess({ db: o.db, adminToken: o.adminToken, logger: o.logger, now });
  const r = express.Router();
  const publicOrigin = new URL(o.publicUrl).origin;
  // One Chromium at a time for the whole server, a short queue, and a short cache (pdfQueue.ts).
  const pdfs = pdfQueue({ render: o.renderPdf ?? ((page) => renderPdf(page, o.chromiumPath)), ...(o.pdfMaxWaiting !== undefined ? { maxWaiting: o.pdfMaxWaiting } : {}) });

  /** A change must come from our own pages (Fetch Metadata, then Origin when the browser sends one). */
  function checkOrigin(req: Request): void {
    if (req.get('sec-fetch-site') === 'cross-site') throw new AppError('csrf_failed', 'a sign-in or sign-out sent from another site is refused');
    const origin = req.get('origin');
    if (origin === undefined) return;
    if (origin !== publicOrigin && origin !== `${req.protocol}://${req.get('host') ?? ''}`) throw new AppError('csrf_failed', 'a sign-in or sign-out sent from another site is refused');
  }

  const who = (v: OutcomesViewer): Who => ({ scope: v.scope, label: v.label, csrf: v.session?.csrf });

  /**
   * The viewer's own choices checked before anything is read: a partner may narrow the figures to
   * its own referral routes and its own vacancies only (403, the same for another's and for none).
   */
  async function checkFilterScope(v: OutcomesViewer, f: OutcomeFilters, action: PartnerAccessAction): Promise<void> {
    if (v.scope.kind !== 'partner') return;
    const partnerId = v.scope.partnerId;
    const route = f.referralCode ? await findReferralCode(o.db, f.referralCode) : undefined;
    const otherRoute = f.referralCode !== undefined && route?.partnerId !== partnerId;
    const otherEmployer = f.partnerId !== undefined && f.partnerId !== partnerId;
    if (otherRoute || otherEmployer) {
      await access.audit(v, action, 'forbidden', otherEmployer ? f.partnerId : undefined);
      throw new AppError('forbidden', NOT_YOURS_FILTER);
    }
  }

  r.get('/outcomes/signin', (_req, res) => {
    outcomesHeaders(res);
    res.type('html').send(signinPage());
  });

  r.post('/outcomes/signin', async (req, res) => {
    outcomesHeaders(res);
    checkOrigin(req);
    const form = formOf(req, signinForm);
    if (!form) return res.status(400).type('html').send(signinPage('Paste your credential into the box, then press Sign in.'));
    let checked;
    try {
      checked = await checkSecret({ db: o.db, adminToken: o.adminToken, logger: o.logger }, form.credential, 'outcomes.signin');
    } catch (err) {
      const e = toAppError(err);
      if (e.status !== 401) throw err;
      return res.status(401).type('html').send(signinPage(e.code === 'credential_revoked' ? 'That credential was revoked: ask the network’s operator for a new one.' : 'That is not a credential we know. Check you pasted all of it.'));
    }
    // An operator session is bound to this token: rotating or removing ADMIN_TOKEN ends it.
    const grantee: OutcomesSessionWho =
      checked.type === 'operator' ? { kind: 'operator', operatorTokenSha256: operatorTokenHash(o.adminToken!) } : { kind: 'partner', partnerId: checked.partnerId, credentialId: checked.credentialId };
    await openOutcomesSession(o.db, req, res, grantee, now());
    if (checked.type === 'partner') {
      await access.audit({ scope: { kind: 'partner', partnerId: checked.partnerId }, label: '', credentialId: checked.credentialId }, 'outcomes.signin', 'allowed');
    }
    o.logger.info({ kind: checked.type, ...(checked.type === 'partner' ? { partnerId: checked.partnerId } : {}) }, 'outcomes: signed in');
    res.redirect(303, '/admin/outcomes');
  });

  r.post('/outcomes/signout', async (req, res) => {
    checkOrigin(req);
    const id = outcomesSessionIdOf(req);
    if (id) {
      const form = formOf(req, signoutForm);
      const viewer = await access.viewerOf(req, 'outcomes.view').catch(() => undefined);
      if (viewer?.session && !(form?.csrf && sameToken(form.csrf, viewer.session.csrf))) {
        throw new AppError('csrf_failed', 'this sign-out did not come from a page of ours: use the Sign out button');
      }
      await deleteOutcomesSession(o.db, sessionHash(id));
    }
    res.clearCookie(OUTCOMES_COOKIE, outcomesCookieOptions);
    res.redirect(303, '/admin/outcomes/signin');
  });

  r.get('/outcomes', async (req, res) => {
    const action = 'outcomes.view';
    const v = await access.viewerOf(req, action);
    outcomesHeaders(res);
    const read = readFilters(req.query, now());
    if (!read.ok) {
      await access.audit(v, action, 'invalid');
      // The form again with its choices, without working out any figures for input that cannot be used.
      const c = await queryChoices(o.db, v.scope.kind === 'partner' ? v.scope.partnerId : undefined);
      const choices = { programmes: c.programmeIds.map((id) => ({ id, name: id })), partners: c.partners, referralCodes: c.referralCodes };
      const form: FilterForm = { values: read.formValues, choices, problems: read.problems };
      return res.status(400).type('html').send(badFiltersPage({ who: who(v), form }));
    }
    await checkFilterScope(v, read.filters, action);
    await access.audit(v, action, 'allowed');
    const report = await o.load(v.scope, read.filters);
    const routes = v.scope.kind === 'partner' ? await listReferralCodes(o.db, v.scope.partnerId) : undefined;
    res.type('html').send(await dashboardPage({ who: who(v), report, form: { values: read.formValues, choices: report.choices, problems: [] }, ...(routes ? { routes } : {}) }));
  });

  r.get('/outcomes/export/:file', async (req, res) => {
    const action = 'outcomes.export';
    const v = await access.viewerOf(req, action);
    const file = exportFile.safeParse(req.params.file);
    if (!file.success) {
      await access.audit(v, action, 'invalid');
      throw new AppError('not_found', `no such export: the tables are ${TABLE_IDS.map((t) => `${t}.csv`).join(', ')}`);
    }
    const read = readFilters(req.query, now());
    if (!read.ok) {
      await access.audit(v, action, 'invalid');
      throw new AppError('filters_invalid', read.problems.join('; '));
    }
    await checkFilterScope(v, read.filters, action);
    await access.audit(v, action, 'allowed');
    const report = await o.load(v.scope, read.filters);
    const table = outcomeTables(report).find((t) => t.id === (file.data as TableId))!;
    res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${csvFileName(table, report)}"`, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.send(tableCsv(table));
  });

  /** The report's scope and month: a partner sees its own; the operator may name a partner (?partner=). */
  async function reportOf(req: Request, v: OutcomesViewer, action: PartnerAccessAction): Promise<{ report: OutcomeReport; month: string; scopeLabel: string; noRoutes: boolean }> {
    const q = reportQuery.safeParse(req.query);
    if (!q.success) {
      await access.audit(v, action, 'invalid');
      throw new AppError('filters_invalid', q.error.issues.map((i) => `${String(i.path[0] ?? 'query')}: ${i.message}`).join('; '));
    }
    const month = q.data.month ?? lastFullMonth(now()).from.toISOString().slice(0, 7);
    let scope: OutcomeScope = v.scope;
    if (q.data.partner) {
      if (v.scope.kind === 'partner' && v.scope.partnerId !== q.data.partner) {
        await access.audit(v, action, 'forbidden', q.data.partner);
        throw new AppError('forbidden', 'this credential opens only its own partner’s report');
      }
      scope = { kind: 'partner', partnerId: q.data.partner };
    }
    await access.audit(v, action, 'allowed', q.data.partner);
    const report = await o.load(scope, monthPeriod(month));
    const scopeLabel = scope.kind === 'network' ? 'The whole network' : v.scope.kind === 'partner' ? v.label : `Partner ${scope.partnerId}`;
    // A partner without referral routes brings nobody in: its report says so rather than print zeros as reach.
    const noRoutes = scope.kind === 'partner' && (await listReferralCodes(o.db, scope.partnerId)).length === 0;
    return { report, month, scopeLabel, noRoutes };
  }

  r.get('/outcomes/report', async (req, res) => {
    const v = await access.viewerOf(req, 'outcomes.view');
    outcomesHeaders(res);
    const { report, month, scopeLabel, noRoutes } = await reportOf(req, v, 'outcomes.view');
    res.type('html').send(monthlyReportPage(report, { month, scopeLabel, noRoutes, who: { label: v.label, csrf: v.session?.csrf } }));
  });

  r.get('/outcomes/report.pdf', async (req, res) => {
    const v = await access.viewerOf(req, 'outcomes.export');
    const { report, month, scopeLabel, noRoutes } = await reportOf(req, v, 'outcomes.export');
    // Keyed by scope and month as well as by the page itself: one scope's PDF is never another's.
    const scopeKey = report.scope.kind === 'partner' ? `partner:${report.scope.partnerId}` : 'network';
    const pdf = await pdfs.pdf(`${scopeKey} ${month}`, monthlyReportPage(report, { month, scopeLabel, noRoutes }));
    const scope = report.scope.kind === 'partner' ? `-${report.scope.partnerId}` : '';
    res.set({ 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="outcomes${scope}-${month}.pdf"`, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.send(pdf);
  });

  /** A referral code the viewer may print: the operator any, a partner its own (403 for another's and for none alike). */
  async function codeFor(req: Request, v: OutcomesViewer) {
    const action = 'referral.poster';
    const parsed = referralCodeSchema.safeParse(req.params['code']);
    const code = parsed.success ? await findReferralCode(o.db, parsed.data) : undefined;
    if (v.scope.kind === 'partner') {
      if (!code || code.partnerId !== v.scope.partnerId) {
        await access.audit(v, action, 'forbidden');
        throw new AppError('forbidden', NOT_YOURS_ROUTE);
      }
      await access.audit(v, action, 'allowed');
    }
    if (!code) throw new AppError('referral_not_found', 'no referral code like that (see anchorline referrals list)');
    return code;
  }

  r.get('/referrals/:code/poster', async (req, res) => {
    const v = await access.viewerOf(req, 'referral.poster');
    outcomesHeaders(res);
    const code = await codeFor(req, v);
    res.type('html').send(await posterPage(code, o.publicUrl, { label: v.label, csrf: v.session?.csrf }));
  });

  r.get('/referrals/:code/qr.svg', async (req, res) => {
    const v = await access.viewerOf(req, 'referral.poster');
    const code = await codeFor(req, v);
    res.set({ 'Content-Type': 'image/svg+xml', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'", 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
    res.send(await qrSvg(referralLink(o.publicUrl, code.code)));
  });

  // Browsers get a page for a refusal or a failure (with a way to sign in); scripts get the usual JSON.
  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || !wantsPage(req) || /\.(csv|svg|pdf)$/.test(req.path)) return next(err);
    const e = toAppError(err);
    logRequestError(o.logger, req, e);
    outcomesHeaders(res);
    res.set(e.headers).status(e.status).type('html').send(problemPage(e.status, e.status >= 500 && e.code === 'internal' ? 'The figures could not be made just now. Try again in a minute.' : e.message));
  });
  return r;
}
