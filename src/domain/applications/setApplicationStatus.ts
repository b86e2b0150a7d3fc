import { z } from 'zod';
import type { Logger } from 'pino';
import { enqueueJob } from '../../jobs/jobQueue.ts';
import type { JobHandler } from '../../jobs/JobRunner.ts';
import { findLineForNotice, findLineOwner, lockLineStatus, setLineStatus } from '../../store/applications.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { recordFunnelEvent, type FunnelStage } from '../../store/funnelEvents.ts';
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

/** The funnel stage a partner's status change reaches (submitted is `applied`, counted when applying). */
const STAGE_OF: Partial<Record<ApplicationStatus, FunnelStage>> = {
  shortlisted: 'shortlisted',
  interview: 'interviewed',
  offered: 'offered',
  started: 'started_job',
};

type Notice = { conversationId: string; role: string; partnerName: string; status: ApplicationStatus; locale: string };

async function loadNotice(db: Queryable, applicationVacancyId: number): Promise<Notice | undefined> {
  const line = await findLineForNotice(db, applicationVacancyId);
  return line && { ...line, status: applicationStatusSchema.parse(line.status) };
}

/** The notice in the resident's language (their conversation's locale). */
const noticeReplies = (notices: Notices, n: Notice, status: ApplicationStatus) => statusUpdateReplies(n, status, noticeWriter(notices, n.locale));

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
  opts: { logger?: Logger; now?: Date; /** Only a line of this partner's vacancies (a partner credential), checked under the lock. */ partnerId?: string } = {},
): Promise<SetStatusResult> {
  const change = await db.transaction(async (tx) => {
    const current = await lockLineStatus(tx, applicationVacancyId, opts.partnerId);
    if (current === undefined) return { type: 'notFound' } as const;
    const from = applicationStatusSchema.parse(current);
    if (from === status) return { type: 'unchanged', status } as const;
    if (from === 'withdrawn') return { type: 'refused', code: 'withdrawn' } as const;
    await setLineStatus(tx, applicationVacancyId, status);
    // Counted once per change, with the change: the figures never see a status that rolled back.
    const stage = STAGE_OF[status];
    const owner = stage && (await findLineOwner(tx, applicationVacancyId));
    if (stage && owner) await recordFunnelEvent(tx, owner.conversationId, stage, opts.now ?? new Date(), { vacancyId: owner.vacancyId, partnerId: owner.partnerId });
    return { type: 'changed', from } as const;
  });
  if (change.type !== 'changed') return change;

  const notice = await loadNotice(db, applicationVacancyId);
  let notified = false;
  try {
    if (notice) {
      await deps.send(notice.conversationId, noticeReplies(deps.notices, notice, status));
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
      await deps.send(notice.conversationId, noticeReplies(deps.notices, notice, p.status));
    },
  };
}
