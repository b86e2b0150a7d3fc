/**
 * The job queue as the domain sees it. The SQL lives in the jobs repository
 * (`store/jobs.ts`); domain modules enqueue and cancel through here with the caller's
 * transaction, so a job commits (or not) with the change that caused it.
 */
export { cancelJob, enqueueJob, enqueueJobOnce, type EnqueueInput, type JobRow } from '../store/jobs.ts';

/** Exponential backoff with a cap: 1st retry after baseMs, then doubling. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
