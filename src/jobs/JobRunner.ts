import type { Logger } from 'pino';
import type { Db } from '../store/db.ts';
import { claimJobs, completeJob, failJob, type JobRow } from '../store/jobs.ts';
import { backoffMs } from './jobQueue.ts';

export interface JobContext {
  db: Db;
  now: Date;
  job: JobRow;
}

/** Runs one job; throwing means "retry later with backoff". */
export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

export interface JobRunnerOptions {
  db: Db;
  handlers: Record<string, JobHandler>;
  logger?: Logger;
  /** Poll interval when idle. */
  pollMs?: number;
  batchSize?: number;
  /** How long a claimed job stays ours before another worker may take it again. */
  leaseMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  clock?: () => Date;
}

/**
 * Polls the jobs table and runs due jobs. Any number of runners (in one or several
 * processes) may share the table; claiming uses SKIP LOCKED so a job goes to one of them.
 */
export class JobRunner {
  readonly #o: Required<Omit<JobRunnerOptions, 'logger'>> & { logger?: Logger };
  #loop: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;

  constructor(opts: JobRunnerOptions) {
    this.#o = {
      pollMs: 1000,
      batchSize: 10,
      leaseMs: 5 * 60_000,
      backoffBaseMs: 30_000,
      backoffMaxMs: 6 * 3600_000,
      clock: () => new Date(),
      ...opts,
    };
  }

  /** Claims and runs one batch of due jobs; returns how many ran (tests call this directly). */
  async runOnce(): Promise<number> {
    const { db, clock, batchSize, leaseMs } = this.#o;
    const jobs = await claimJobs(db, { now: clock(), limit: batchSize, leaseMs });
    for (const job of jobs) await this.#run(job);
    return jobs.length;
  }

  async #run(job: JobRow): Promise<void> {
    const { db, clock, handlers, logger } = this.#o;
    const handler = handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job.payload, { db, now: clock(), job });
      await completeJob(db, job.id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const retryAt = new Date(clock().getTime() + backoffMs(job.attempts, this.#o.backoffBaseMs, this.#o.backoffMaxMs));
      const outcome = await failJob(db, job, message, retryAt);
      // Job id and kind only: payloads may name a conversation.
      logger?.warn({ jobId: job.id, kind: job.kind, attempts: job.attempts, outcome, code: (err as { code?: string }).code }, 'job failed');
    }
  }

  start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#loop = this.#poll();
  }

  async #poll(): Promise<void> {
    while (!this.#stopping) {
      let ran = 0;
      try {
        ran = await this.runOnce();
      } catch (err) {
        this.#o.logger?.error({ err }, 'job poll failed');
      }
      // A full batch means more may be due: go again at once.
      if (ran >= this.#o.batchSize || this.#stopping) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.#o.pollMs);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Asks the loop to poll now (e.g. after enqueueing a job due at once). */
  nudge(): void {
    this.#wake?.();
  }

  /** Stops polling and waits for the batch in hand to finish. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }
}
