-- Published versions of the whole flow file set (issue 13: the coordinator studio). Exactly one
-- release is live (`flow_live`, one row); a publish locks that row, inserts a release, points the
-- row at it and NOTIFYs every process, all in one transaction. Each turn reads the row in its
-- first round trip, so two processes switch on the same turn even when a NOTIFY is late.
CREATE TABLE flow_releases (
  id            bigserial PRIMARY KEY,
  -- FlowFiles: path relative to the project (`flows/main.flow.yaml`) → text.
  files         jsonb NOT NULL,
  files_hash    text NOT NULL,
  source        text NOT NULL CHECK (source IN ('files', 'studio', 'import', 'revert')),
  revert_of     bigint REFERENCES flow_releases (id),
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  note          text NOT NULL DEFAULT '',
  -- What the engine does with a conversation this release orphans: NULL = restart (the default).
  orphan_policy text CHECK (orphan_policy IN ('handoff', 'restart')),
  -- The flow versions it made live (`main@3f2a…`), for the history list.
  flows         text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX flow_releases_source ON flow_releases (source, id DESC);

CREATE TABLE flow_live (
  one        boolean PRIMARY KEY DEFAULT true CHECK (one),
  release_id bigint REFERENCES flow_releases (id)
);
INSERT INTO flow_live (one, release_id) VALUES (true, NULL);

-- A conversation orphaned by a release with the `handoff` policy is handed to an adviser.
ALTER TABLE handoffs DROP CONSTRAINT handoffs_reason_check;
ALTER TABLE handoffs ADD CONSTRAINT handoffs_reason_check
  CHECK (reason IN ('resident_asked', 'flow_step', 'failed_answers', 'safeguarding', 'flow_changed'));
