import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, toAppError } from '../errors.ts';
import { exportTokenHash, exportTokenSchema } from '../domain/privacy/privacyActions.ts';
import { escapeHtml, gatherSubjectAccess, PRIVACY_PAGE_CSP, privacyPage, subjectAccessHtml, subjectAccessJson } from '../domain/privacy/subjectAccess.ts';
import { maskExportLinks, exportLinkUsable, useExportLink } from '../store/dataExportLinks.ts';
import type { Db } from '../store/db.ts';
import { recordPrivacyAction } from '../store/privacyAudit.ts';

const formatSchema = z.enum(['html', 'json']).default('html');

/** Every privacy answer: never cached or stored by a proxy, no referrer, nothing loaded from elsewhere. */
function privateHeaders(res: Response): void {
  res.set({
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': PRIVACY_PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'X-Robots-Tag': 'noindex, nofollow',
  });
}

const GONE_WORDS = 'This link has been used or has expired. Ask again in the chat: send me my data.';

/** The one answer for a link that cannot be used: used, expired, unknown or malformed alike (a page, not JSON). */
const goneHandler: ErrorRequestHandler = (err, _req, res, next) => {
  const e = toAppError(err);
  if ((e.code !== 'export_link_gone' && e.code !== 'not_found') || res.headersSent) return next(err);
  privateHeaders(res);
  res
    .status(e.status)
    .type('html')
    .send(privacyPage('This link does not work', `<h1>This link does not work</h1>\n<p>${escapeHtml(GONE_WORDS)}</p>`));
}

/** The token from the path, checked before any query: anything that cannot be a token of ours is not found. */
function tokenOf(req: Request): string {
  const r = exportTokenSchema.safeParse(req.params.token);
  if (!r.success) throw new AppError('not_found', GONE_WORDS);
  return r.data;
}

const gone = () => new AppError('export_link_gone', GONE_WORDS);

/**
 * The resident's copy of their data (issue 12), mounted at /privacy after the edge:
 * - GET  /export/:token  a page with two buttons; it does not use the link up (chat apps' link
 *   previewers fetch every link they see)
 * - POST /export/:token  (format=html|json) uses the link, once, and answers with everything
 *   held: a readable page (with the JSON as a download) or the JSON file
 */
export function privacyRoutes(opts: { db: Db; logger?: Logger; now?: () => Date }): express.Router {
  const now = opts.now ?? (() => new Date());
  const r = express.Router();

  r.get('/export/:token', async (req, res) => {
    const token = tokenOf(req);
    if (!(await exportLinkUsable(opts.db, exportTokenHash(token), now()))) throw gone();
    privateHeaders(res);
    // No action: the form posts to the page's own address, whatever prefix a proxy serves it under.
    const button = (format: 'html' | 'json', label: string, secondary = false) =>
      `<form method="post"><input type="hidden" name="format" value="${format}"><button type="submit"${secondary ? ' class="secondary"' : ''}>${escapeHtml(label)}</button></form>`;
    res.type('html').send(
      privacyPage(
        'Your data at Anchorline',
        [
          '<h1>Your data at Anchorline</h1>',
          '<p>You asked for a copy of all we hold about you. This link works once.</p>',
          '<p>Pick how you want it:</p>',
          button('html', 'Show it on this page'),
          button('json', 'Download it as a file (JSON)', true),
          '<p>Use a device only you can see. The page will show your answers and your messages.</p>',
        ].join('\n'),
      ),
    );
  });

  r.post('/export/:token', async (req, res) => {
    const token = tokenOf(req);
    // The edge read the form (src/http/readBody.ts) and left its bytes on rawBody.
    const raw = (req as Request & { rawBody?: Buffer }).rawBody;
    const form = new URLSearchParams(raw ? raw.toString('utf8') : '');
    const format = formatSchema.safeParse(form.get('format') ?? undefined);
    if (!format.success) throw new AppError('bad_request', 'format must be html or json');
    const at = now();
    // One transaction: the link is used only if the copy is made (a failure leaves it usable).
    const data = await opts.db.transaction(async (tx) => {
      const conversationId = await useExportLink(tx, exportTokenHash(token), at);
      const found = conversationId ? await gatherSubjectAccess(tx, conversationId, at) : undefined;
      if (!conversationId || !found) return undefined;
      await recordPrivacyAction(tx, { conversationId, action: 'exported', actor: 'resident', at });
      // The link was a key: now used, it is masked where the transcript keeps it.
      await maskExportLinks(tx, { conversationId });
      // The copy includes the fact of this export.
      return { ...found, privacyAudit: [...found.privacyAudit, { action: 'exported' as const, actor: 'resident', at }] };
    });
    if (!data) throw gone();
    opts.logger?.info({ format: format.data }, 'privacy: a resident took a copy of their data');
    privateHeaders(res);
    const json = subjectAccessJson(data);
    if (format.data === 'json') {
      res.set('Content-Disposition', 'attachment; filename="anchorline-my-data.json"');
      res.type('application/json; charset=utf-8').send(json);
      return;
    }
    res.type('html').send(subjectAccessHtml(data, { json }));
  });

  r.all('/export/:token', (_req, _res) => {
    throw new AppError('method_not_allowed', 'use GET or POST', { headers: { Allow: 'GET, POST' } });
  });
  r.use(goneHandler);
  return r;
}
