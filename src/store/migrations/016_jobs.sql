-- Background jobs (src/jobs): reminders, seat-offer expiry, proactive notices.
-- Claimed with FOR UPDATE SKIP LOCKED, so several processes share the queue and each job runs once.

CREATE TABLE jobs (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL,
  -- Dedupe key: at most one pending or running job per key; also how jobs are cancelled.
  key          text,
  payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
  run_at       timestamptz NOT NULL,
  attempts     int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
  -- While running: a worker that dies leaves the job to be claimed again after this.
  locked_until timestamptz,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX jobs_live_key_idx ON jobs (key) WHERE key IS NOT NULL AND status IN ('pending', 'running');
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status = 'pending';
CREATE INDEX jobs_running_idx ON jobs (locked_until) WHERE status = 'running';
