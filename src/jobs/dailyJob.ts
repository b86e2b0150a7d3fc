import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { enqueueJobOnce } from '../store/jobs.ts';
import type { JobContext, JobHandler } from './JobRunner.ts';

/**
 * Work that runs once a day across every process, as a chain of jobs with one key per day
 * (`retention:2026-11-30`). Each process asks at start for today's job; the job, when it
 * runs, first asks for tomorrow's. `enqueueJobOnce` makes both asks idempotent across
 * processes (a day's key is never used twice, and a kind has at most one job waiting), and
 * the queue's SKIP LOCKED claim gives each job to one runner. No timer in any process.
 */
export interface DailyJob {
  /** Job kind, e.g. `retention`. */
  kind: string;
  /** First part of each day's key, e.g. `retention` → `retention:2026-11-30`. */
  keyPrefix: string;
  /** Hour of the day (UTC) a day's run is due. */
  hourUtc: number;
  /** The day's work; throwing retries it with the queue's backoff. */
  run(ctx: JobContext): Promise<void>;
}

const payloadSchema = z.object({ day: z.iso.date() });

/** A UTC date as YYYY-MM-DD. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

const nextDay = (day: string): string => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000));

export const dailyKey = (job: Pick<DailyJob, 'keyPrefix'>, day: string): string => `${job.keyPrefix}:${day}`;

function dueAt(job: DailyJob, day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + job.hourUtc * 3_600_000);
}

/**
 * At start: queues today's run unless today's key was used or a run of this kind is already
 * waiting. Due at its hour, or `startDelayMs` from now when that has passed (a process that
 * starts late still runs today's housekeeping, without slowing its start).
 * @returns the new job's id, or null when nothing was queued.
 */
export function scheduleDailyJob(db: Db, job: DailyJob, now: Date, startDelayMs: number): Promise<number | null> {
  const day = dayOf(now);
  const runAt = new Date(Math.max(dueAt(job, day).getTime(), now.getTime() + startDelayMs));
  return db.transaction((tx) => enqueueJobOnce(tx, { kind: job.kind, key: dailyKey(job, day), payload: { day }, runAt }));
}

/**
 * The handler for a daily job: queues the next day's run (the day after the later of the
 * job's own day and today, so a run that catches up after downtime does not queue a string
 * of past days), then does the work. The next day is queued even if the work then fails.
 */
export function dailyJobHandler(job: DailyJob): JobHandler {
  return async (payload, ctx) => {
    const { day } = payloadSchema.parse(payload);
    const today = dayOf(ctx.now);
    const next = nextDay(day > today ? day : today);
    await ctx.db.transaction((tx) =>
      enqueueJobOnce(tx, { kind: job.kind, key: dailyKey(job, next), payload: { day: next }, runAt: dueAt(job, next) }, ctx.job.id),
    );
    await job.run(ctx);
  };
}
