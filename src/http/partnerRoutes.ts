import express, { type Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { bearerOf, sameSecret } from './adminRoutes.ts';
import type { Db } from '../store/db.ts';
import {
  partnerOfApplicationVacancy,
  recordPartnerAccess,
  verifyPartnerCredential,
  type PartnerAccessAction,
  type PartnerAccessEntry,
} from '../store/partnerCredentials.ts';
import { applicationStatusSchema } from '../domain/applications/applicationProfile.ts';
import { exportPartnerApplications } from '../domain/applications/exportPartnerApplications.ts';
import { setApplicationStatus } from '../domain/applications/setApplicationStatus.ts';
import type { Notices } from '../domain/shared/notices.ts';
import type { Send } from '../domain/shared/send.ts';

const partnerIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/);
const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const statusBodySchema = z.object({ status: applicationStatusSchema });

/** Who is asking: the credential and the one partner whose data it opens. */
interface PartnerCaller {
  credentialId: string;
  partnerId: string;
}

const NOT_YOURS = 'this credential opens only its own partner’s applications';

/**
 * Partner routes, mounted by the lead under /admin (bodies already read and checked by the edge, src/http/readBody.ts):
 * - GET  /partners/:id/applications  → CSV of that partner's applications only
 * - POST /applications/:id/status {status} → sets one vacancy's status; the resident is told
 *
 * Both take a partner credential (`Authorization: Bearer alp_…`, made with
 * `anchorline partners credentials create`) and only for that partner's own data: another
 * partner's export, or an application line that is not one of its vacancies (whether or not it
 * exists), is 403. No credential, an unknown or revoked one is 401. The operator token
 * (ADMIN_TOKEN) opens operator routes only: here it is 403. Every use of a credential is
 * audited (partner_access_audit) before anything is read or changed.
 */
export function partnerRoutes(opts: {
  db: Db;
  send: Send;
  /** Wording of the status notice, in the resident's language. */
  notices: Notices;
  /** The operator token, only to tell its holder that it does not open partner data. */
  adminToken: string | undefined;
  logger?: Logger;
}): express.Router {
  const r = express.Router();

  const audit = (e: PartnerAccessEntry) => recordPartnerAccess(opts.db, e);

  async function authenticate(req: Request, action: PartnerAccessAction): Promise<PartnerCaller> {
    const given = bearerOf(req.get('authorization'));
    if (given === undefined) throw new AppError('unauthorized', 'a partner credential is needed: Authorization: Bearer alp_…');
    if (opts.adminToken && sameSecret(given, opts.adminToken)) {
      throw new AppError('forbidden', 'the operator token does not open partner data; use a partner credential (anchorline partners credentials create)');
    }
    const v = await verifyPartnerCredential(opts.db, given);
    switch (v.type) {
      case 'ok':
        return { credentialId: v.credentialId, partnerId: v.partnerId };
      case 'unknown':
        throw new AppError('unauthorized', 'missing or invalid partner credential');
      case 'badSecret':
        await audit({ credentialId: v.credentialId, partnerId: v.partnerId, action, outcome: 'bad_secret' });
        opts.logger?.warn({ credentialId: v.credentialId, partnerId: v.partnerId, action }, 'partner credential with a wrong secret');
        throw new AppError('unauthorized', 'missing or invalid partner credential');
      case 'revoked':
        await audit({ credentialId: v.credentialId, partnerId: v.partnerId, action, outcome: 'revoked' });
        opts.logger?.warn({ credentialId: v.credentialId, partnerId: v.partnerId, action }, 'revoked partner credential used');
        throw new AppError('credential_revoked', 'this partner credential was revoked; ask the operator for a new one');
    }
  }

  r.get('/partners/:id/applications', async (req, res) => {
    const action = 'applications.export';
    const who = await authenticate(req, action);
    const partnerId = partnerIdSchema.safeParse(req.params.id);
    if (!partnerId.success) {
      await audit({ ...who, action, outcome: 'invalid' });
      throw new AppError('partner_id_invalid', 'partner id: lower-case letters, digits and dashes');
    }
    if (partnerId.data !== who.partnerId) {
      await audit({ ...who, action, outcome: 'forbidden', requestedPartnerId: partnerId.data });
      throw new AppError('forbidden', NOT_YOURS);
    }
    await audit({ ...who, action, outcome: 'allowed', requestedPartnerId: partnerId.data });
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
    const action = 'application.set_status';
    const who = await authenticate(req, action);
    const id = idSchema.safeParse(req.params.id);
    if (!id.success) {
      await audit({ ...who, action, outcome: 'invalid' });
      throw new AppError('application_id_invalid', 'application vacancy id must be a positive number');
    }
    // The same answer whether the line is another partner's or does not exist: nothing about others is revealed.
    if ((await partnerOfApplicationVacancy(opts.db, id.data)) !== who.partnerId) {
      await audit({ ...who, action, outcome: 'forbidden', applicationVacancyId: id.data });
      throw new AppError('forbidden', NOT_YOURS);
    }
    const body = statusBodySchema.safeParse(req.body);
    if (!body.success) {
      await audit({ ...who, action, outcome: 'invalid', applicationVacancyId: id.data });
      throw new AppError('status_invalid', `status must be one of ${applicationStatusSchema.options.join(', ')}`);
    }
    await audit({ ...who, action, outcome: 'allowed', applicationVacancyId: id.data });
    const out = await setApplicationStatus(opts.db, { send: opts.send, notices: opts.notices }, id.data, body.data.status, {
      partnerId: who.partnerId,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    switch (out.type) {
      case 'notFound':
        // Gone, or no longer this partner's to see (moved, or the resident stopped sharing) since the check above.
        throw new AppError('forbidden', NOT_YOURS);
      case 'refused':
        throw new AppError('application_withdrawn', 'the resident withdrew this application; its status stays withdrawn');
      case 'unchanged':
      case 'updated':
        res.json(out);
    }
  });
  return r;
}
