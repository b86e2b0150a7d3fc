-- Conversations, their snapshots and their messages (the engine's tables).

CREATE TABLE conversations (
  id              text PRIMARY KEY,
  channel         text NOT NULL,
  user_id         text NOT NULL,
  flow_id         text,
  flow_version    text,
  -- XState persisted snapshot; NULL until the first turn has run.
  snapshot        jsonb,
  locale          text NOT NULL DEFAULT 'en',
  -- 'bot' runs the flow; 'person' means an adviser owns the conversation.
  owner           text NOT NULL DEFAULT 'bot' CHECK (owner IN ('bot', 'person')),
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
  consent         boolean NOT NULL DEFAULT false,
  -- Highest message seq used: the Direct Line watermark.
  last_seq        bigint NOT NULL DEFAULT 0,
  turns           int NOT NULL DEFAULT 0,
  -- Channel address for proactive messages (e.g. a Bot Framework conversation reference).
  address         jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_activity_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_flow_idx ON conversations (flow_id, flow_version) WHERE status = 'active';

-- One row per inbound activity: a repeated activity id returns these replies and runs nothing.
CREATE TABLE processed_activities (
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  activity_id     text NOT NULL,
  replies         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, activity_id)
);

-- Transcript: every inbound and outbound message, numbered per conversation.
CREATE TABLE messages (
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq             bigint NOT NULL,
  direction       text NOT NULL CHECK (direction IN ('in', 'out')),
  activity_id     text,
  -- in: {text?, value?, clientActivityId?}; out: a Reply.
  body            jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  PRIMARY KEY (conversation_id, seq)
);
CREATE INDEX messages_undelivered_idx ON messages (created_at) WHERE direction = 'out' AND delivered_at IS NULL;
