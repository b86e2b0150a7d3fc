import type { Logger } from 'pino';
import { prunePostcodeCache } from '../domain/places/postcodeCache.ts';
import { pruneIdleConversations, type Eraser } from '../domain/retention/pruneIdleConversations.ts';
import type { Db } from '../store/db.ts';
import { deleteExpiredExportLinks, maskExportLinks } from '../store/dataExportLinks.ts';
import { pruneConversations as pruneDirectLineIds } from '../store/directlineConversations.ts';
import { dailyJobHandler, scheduleDailyJob, type DailyJob } from './dailyJob.ts';
import type { JobHandler } from './JobRunner.ts';

export const HOUSEKEEPING_JOBS = {
  retention: 'retention',
  postcodeCache: 'postcodeCachePrune',
  directLineIds: 'directLineIdPrune',
  exportLinks: 'exportLinkPrune',
} as const;

export interface HousekeepingOptions {
  /** Conversations idle this many days are erased (RETENTION_DAYS). */
  retentionDays: number;
  /** Erase a conversation's domain data before its row goes (the same erasers as "delete my data"). */
  erasers: Eraser[];
  /** How long a data export link works (EXPORT_LINK_MINUTES): older links in transcripts are masked. */
  exportLinkMinutes?: number;
  logger?: Logger;
  /** How long after start a day's overdue run waits (default 60 s). */
  startDelayMs?: number;
}

export interface Housekeeping {
  handlers: Record<string, JobHandler>;
  /** Queues today's runs that no process has queued yet; call once at start. */
  schedule(db: Db, now?: Date): Promise<void>;
}

/**
 * Daily housekeeping as jobs on the shared queue, run once a day across every process:
 * retention of idle conversations (03:00 UTC), stale Direct Line ids (03:30 UTC, after
 * retention, since it forgets ids whose conversation is gone), the postcode cache and the
 * used or expired links to residents' data exports.
 * Logs carry counts only, never a conversation id or postcode; a failure is retried with
 * the queue's backoff and logged by the JobRunner by job id and kind.
 */
export function housekeepingJobs(opts: HousekeepingOptions): Housekeeping {
  const idleBefore = (now: Date) => new Date(now.getTime() - opts.retentionDays * 86_400_000);
  const jobs: DailyJob[] = [
    {
      kind: HOUSEKEEPING_JOBS.retention,
      keyPrefix: 'retention',
      hourUtc: 3,
      run: async ({ db, now }) => {
        const deleted = await pruneIdleConversations(db, { olderThan: idleBefore(now), erasers: opts.erasers });
        opts.logger?.info({ deleted, retentionDays: opts.retentionDays }, 'retention: idle conversations erased');
      },
    },
    {
      kind: HOUSEKEEPING_JOBS.directLineIds,
      keyPrefix: 'directline-ids',
      hourUtc: 3.5,
      run: async ({ db, now }) => {
        const deleted = await pruneDirectLineIds(db, idleBefore(now));
        opts.logger?.info({ deleted }, 'housekeeping: stale Direct Line ids forgotten');
      },
    },
    {
      kind: HOUSEKEEPING_JOBS.postcodeCache,
      keyPrefix: 'postcode-cache',
      hourUtc: 4,
      run: async ({ db, now }) => {
        const deleted = await prunePostcodeCache(db, now);
        opts.logger?.info({ deleted }, 'housekeeping: expired postcode answers deleted');
      },
    },
    {
      kind: HOUSEKEEPING_JOBS.exportLinks,
      keyPrefix: 'export-links',
      hourUtc: 4.5,
      run: async ({ db, now }) => {
        const deleted = await deleteExpiredExportLinks(db, now);
        const masked = await maskExportLinks(db, { olderThan: new Date(now.getTime() - (opts.exportLinkMinutes ?? 60) * 60_000) });
        opts.logger?.info({ deleted, masked }, 'housekeeping: used and expired data export links deleted');
      },
    },
  ];
  return {
    handlers: Object.fromEntries(jobs.map((j) => [j.kind, dailyJobHandler(j)])),
    schedule: async (db, now = new Date()) => {
      for (const j of jobs) await scheduleDailyJob(db, j, now, opts.startDelayMs ?? 60_000);
    },
  };
}
