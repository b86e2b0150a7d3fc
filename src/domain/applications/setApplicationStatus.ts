import { z } from 'zod';
import type { Logger } from 'pino';
import { enqueueJob } from '../../jobs/jobQueue.ts';
import type { JobHandler } from '../../jobs/JobRunner.ts';
import type { Db } from '../../store/db.ts';
import { noticeWriter, type Notices } from '../shared/notices.ts';
import type { Send } from '../shared/send.ts';
import { applicationStatusSchema, type ApplicationStatus } from './applicationProfile.ts';
import { statusUpdateReplies } from './statusReplies.ts';

export type SetStatusResult =
  | { type: 'updated'; from: ApplicationStatus; to: ApplicationStatus; notified: boolean }
  | { type: 'unchanged'; status: ApplicationStatus }
  /** A withdrawn application stays withdrawn: the resident chose that. */
  | { type: 'refused'; code: 'withdrawn' }
  | { type: 'notFound' };

export const STATUS_NOTICE_JOB = 'applicationStatusNotice';

const noticeRow = z.object({
  conversation_id: z.string(),
  role: z.string(),
  partner_name: z.string(),
  status: applicationStatusSchema,
  locale: z.string(),
});

async function loadNotice(db: Db, applicationVacancyId: number) {
  const { rows } = await db.query(
    `SELECT a.conversation_id, v.role, p.name AS partner_name, av.status, c.locale
     FROM application_vacancies av JOIN applications a ON a.id = av.application_id
     JOIN conversations c ON c.id = a.conversation_id
     JOIN vacancies v ON v.id = av.vacancy_id JOIN partners p ON p.id = v.partner_id
     WHERE av.id = $1`,
    [applicationVacancyId],
  );
  return rows[0] ? noticeRow.parse(rows[0]) : undefined;
}

/** The notice in the resident's language (their conversation's locale). */
const noticeReplies = (notices: Notices, n: z.infer<typeof noticeRow>, status: ApplicationStatus) =>
  statusUpdateReplies({ role: n.role, partnerName: n.partner_name }, status, noticeWriter(notices, n.locale));

/**
 * Sets the status of one vacancy of an application (partners, via CLI or admin HTTP)
 * and tells the resident on their channel. If sending fails the change stays made and
 * the notice is queued as a job to retry with backoff.
 */
export async function setApplicationStatus(
  db: Db,
  deps: { send: Send; notices: Notices },
  applicationVacancyId: number,
  status: ApplicationStatus,
  opts: { logger?: Logger; now?: Date } = {},
): Promise<SetStatusResult> {
  const change = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: ApplicationStatus }>(
      `SELECT status FROM application_vacancies WHERE id = $1 FOR NO KEY UPDATE`,
      [applicationVacancyId],
    );
    const from = rows[0] ? applicationStatusSchema.parse(rows[0].status) : undefined;
    if (!from) return { type: 'notFound' } as const;
    if (from === status) return { type: 'unchanged', status } as const;
    if (from === 'withdrawn') return { type: 'refused', code: 'withdrawn' } as const;
    await tx.query(`UPDATE application_vacancies SET status = $2, updated_at = now() WHERE id = $1`, [applicationVacancyId, status]);
    return { type: 'changed', from } as const;
  });
  if (change.type !== 'changed') return change;

  const notice = await loadNotice(db, applicationVacancyId);
  let notified = false;
  try {
    if (notice) {
      await deps.send(notice.conversation_id, noticeReplies(deps.notices, notice, status));
      notified = true;
    }
  } catch (err) {
    opts.logger?.warn({ applicationVacancyId, code: (err as { code?: string }).code }, 'status notice not sent; queued to retry');
    await enqueueJob(db, {
      kind: STATUS_NOTICE_JOB,
      key: `application-status:${applicationVacancyId}:${status}`,
      payload: { applicationVacancyId, status },
      runAt: opts.now ?? new Date(),
    });
  }
  return { type: 'updated', from: change.from, to: status, notified };
}

/** Job handler that retries a status notice; skipped if the status has moved on since. */
export function applicationJobHandlers(deps: { send: Send; notices: Notices }): Record<string, JobHandler> {
  const payload = z.object({ applicationVacancyId: z.number(), status: applicationStatusSchema });
  return {
    [STATUS_NOTICE_JOB]: async (raw, { db }) => {
      const p = payload.parse(raw);
      const notice = await loadNotice(db, p.applicationVacancyId);
      if (!notice || notice.status !== p.status) return;
      await deps.send(notice.conversation_id, noticeReplies(deps.notices, notice, p.status));
    },
  };
}
