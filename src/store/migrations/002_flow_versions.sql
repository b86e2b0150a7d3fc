-- Every flow version a conversation may run on: the flow's text and the sub-flows it uses,
-- so a conversation finishes on the version it started with, even after a restart.
CREATE TABLE flow_versions (
  flow_id    text NOT NULL,
  version    text NOT NULL,
  texts      jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (flow_id, version)
);
