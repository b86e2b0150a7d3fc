import express from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { requireAdmin } from './adminRoutes.ts';
import type { Db } from '../store/db.ts';
import { applicationStatusSchema } from '../domain/applications/applicationProfile.ts';
import { exportPartnerApplications } from '../domain/applications/exportPartnerApplications.ts';
import { setApplicationStatus } from '../domain/applications/setApplicationStatus.ts';
import type { Notices } from '../domain/shared/notices.ts';
import type { Send } from '../domain/shared/send.ts';

const partnerIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/);
const idSchema = z.coerce.number().int().positive();
const statusBodySchema = z.object({ status: applicationStatusSchema });

/**
 * Partner admin routes, mounted by the lead under /admin (bodies already read and checked by the edge, src/http/readBody.ts):
 * - GET  /partners/:id/applications  → CSV of that partner's applications only
 * - POST /applications/:id/status {status} → sets one vacancy's status; the resident is told
 * Both need the admin bearer token.
 */
export function partnerRoutes(opts: {
  db: Db;
  send: Send;
  /** Wording of the status notice, in the resident's language. */
  notices: Notices;
  adminToken: string | undefined;
  logger?: Logger;
}): express.Router {
  const r = express.Router();
  r.use(requireAdmin(opts.adminToken));

  r.get('/partners/:id/applications', async (req, res) => {
    const partnerId = partnerIdSchema.safeParse(req.params.id);
    if (!partnerId.success) throw new AppError('partner_id_invalid', 'partner id: lower-case letters, digits and dashes');
    const out = await exportPartnerApplications(opts.db, partnerId.data);
    switch (out.type) {
      case 'unknownPartner':
        throw new AppError('partner_not_found', `no partner ${partnerId.data}`);
      case 'csv':
        res.set('Content-Type', 'text/csv; charset=utf-8');
        res.set('Content-Disposition', `attachment; filename="applications-${partnerId.data}.csv"`);
        res.set('Cache-Control', 'no-store');
        res.send(out.csv);
    }
  });

  r.post('/applications/:id/status', async (req, res) => {
    const id = idSchema.safeParse(req.params.id);
    if (!id.success) throw new AppError('application_id_invalid', 'application vacancy id must be a positive number');
    const body = statusBodySchema.safeParse(req.body);
    if (!body.success) {
      throw new AppError('status_invalid', `status must be one of ${applicationStatusSchema.options.join(', ')}`);
    }
    const out = await setApplicationStatus(opts.db, { send: opts.send, notices: opts.notices }, id.data, body.data.status, opts.logger ? { logger: opts.logger } : {});
    switch (out.type) {
      case 'notFound':
        throw new AppError('application_not_found', `no application vacancy ${id.data}`);
      case 'refused':
        throw new AppError('application_withdrawn', 'the resident withdrew this application; its status stays withdrawn');
      case 'unchanged':
      case 'updated':
        res.json(out);
    }
  });
  return r;
}
