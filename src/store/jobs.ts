/**
 * The `jobs` table: a small Postgres job queue. Jobs are claimed with FOR UPDATE SKIP LOCKED
 * (runs on PostgreSQL and PGlite), marked 'running' with a lease, and finished or rescheduled
 * with backoff. Several processes can poll the same table: each job runs once, and a job
 * whose worker died is claimed again when its lease runs out.
 */
import { z } from 'zod';
import type { Queryable } from './db.ts';

export const jobRowSchema = z.object({
  id: z.number(),
  kind: z.string(),
  key: z.string().nullable(),
  payload: z.unknown(),
  attempts: z.number(),
  max_attempts: z.number(),
  run_at: z.date(),
});
export type JobRow = z.infer<typeof jobRowSchema>;

export interface EnqueueInput {
  kind: string;
  /** Dedupe key: while a pending or running job has this key, enqueueing another is a no-op. */
  key?: string;
  payload?: unknown;
  runAt: Date;
  maxAttempts?: number;
}

/**
 * Adds a job; pass the caller's transaction so the job commits (or not) with the change
 * that caused it. Returns the new id, or null when a live job with the same key exists.
 */
export async function enqueueJob(db: Queryable, job: EnqueueInput): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO jobs (kind, key, payload, run_at, max_attempts)
     VALUES ($1, $2, $3::jsonb, $4, $5)
     ON CONFLICT (key) WHERE key IS NOT NULL AND status IN ('pending', 'running') DO NOTHING
     RETURNING id`,
    [job.kind, job.key ?? null, JSON.stringify(job.payload ?? {}), job.runAt, job.maxAttempts ?? 8],
  );
  return rows[0]?.id ?? null;
}

/**
 * Adds a job whose key has never been used, in any status (a done or failed job keeps its
 * key taken, unlike `enqueueJob`), and only while no other job of its kind is pending or
 * running (`besides`: the job asking, when a job schedules its own successor). For
 * recurring work with one key per period (`retention:2026-11-30`): however many processes
 * ask, a period gets one job and a kind has one job waiting.
 *
 * Must run inside a transaction: the transaction-scoped advisory lock on the kind makes the
 * check and the insert one step across processes, and is released at COMMIT.
 * @returns the new id, or null when nothing was added.
 */
export async function enqueueJobOnce(tx: Queryable, job: EnqueueInput & { key: string }, besides?: number): Promise<number | null> {
  await tx.query(`SELECT pg_advisory_xact_lock(728, hashtext($1))`, [job.kind]);
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO jobs (kind, key, payload, run_at, max_attempts)
     SELECT $1, $2, $3::jsonb, $4, $5
      WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE key = $2)
        AND NOT EXISTS (SELECT 1 FROM jobs WHERE kind = $1 AND status IN ('pending', 'running') AND id IS DISTINCT FROM $6::bigint)
     ON CONFLICT (key) WHERE key IS NOT NULL AND status IN ('pending', 'running') DO NOTHING
     RETURNING id`,
    [job.kind, job.key, JSON.stringify(job.payload ?? {}), job.runAt, job.maxAttempts ?? 8, besides ?? null],
  );
  return rows[0]?.id ?? null;
}

/** Cancels the pending job with this key; a job already running finishes (handlers re-check state). */
export async function cancelJob(db: Queryable, key: string): Promise<boolean> {
  const r = await db.query(`UPDATE jobs SET status = 'cancelled', updated_at = now() WHERE key = $1 AND status = 'pending'`, [key]);
  return r.rowCount > 0;
}

/** Claims up to `limit` due jobs (pending and due, or running with an expired lease). */
export async function claimJobs(db: Queryable, opts: { now: Date; limit: number; leaseMs: number }): Promise<JobRow[]> {
  const { rows } = await db.query(
    `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $3, updated_at = now()
     WHERE id IN (
       SELECT id FROM jobs
       WHERE (status = 'pending' AND run_at <= $1) OR (status = 'running' AND locked_until < $1)
       ORDER BY run_at, id
       LIMIT $2
       FOR UPDATE SKIP LOCKED)
     RETURNING id, kind, key, payload, attempts, max_attempts, run_at`,
    [opts.now, opts.limit, new Date(opts.now.getTime() + opts.leaseMs)],
  );
  return rows.map((r) => jobRowSchema.parse(r));
}

export async function completeJob(db: Queryable, id: number): Promise<void> {
  await db.query(`UPDATE jobs SET status = 'done', locked_until = NULL, updated_at = now() WHERE id = $1 AND status = 'running'`, [id]);
}

/** Reschedules after a failure, or gives up ('failed') once max_attempts is used. */
export async function failJob(db: Queryable, job: JobRow, error: string, retryAt: Date): Promise<'retry' | 'failed'> {
  const giveUp = job.attempts >= job.max_attempts;
  await db.query(
    `UPDATE jobs SET status = $2, run_at = $3, locked_until = NULL, last_error = $4, updated_at = now()
     WHERE id = $1 AND status = 'running'`,
    [job.id, giveUp ? 'failed' : 'pending', retryAt, error.slice(0, 500)],
  );
  return giveUp ? 'failed' : 'retry';
}
