-- Adviser handoffs (issue 6): one row per request for a person, its Slack card,
-- an outbox of Slack posts, Slack event de-duplication, and the adviser audit trail.

CREATE TABLE handoffs (
  id              bigserial PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  reason          text NOT NULL CHECK (reason IN ('resident_asked', 'flow_step', 'failed_answers', 'safeguarding')),
  urgency         text NOT NULL CHECK (urgency IN ('normal', 'urgent')),
  status          text NOT NULL CHECK (status IN ('requested', 'queued', 'claimed', 'active', 'returned', 'closed')),
  locale          text NOT NULL,
  partner         text NOT NULL DEFAULT 'default',
  -- Card facts (programme, eligibility, language...). Shown to advisers, never logged.
  summary         jsonb NOT NULL DEFAULT '{}',
  adviser_id      text,
  adviser_name    text,
  slack_channel   text,
  slack_ts        text,
  requested_at    timestamptz NOT NULL,
  claimed_at      timestamptz,
  ended_at        timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
-- One open handoff per conversation: a second request while one is open reuses it.
CREATE UNIQUE INDEX handoffs_open_uq ON handoffs (conversation_id) WHERE status IN ('requested', 'queued', 'claimed', 'active');
CREATE INDEX handoffs_card_idx ON handoffs (slack_channel, slack_ts);
CREATE INDEX handoffs_adviser_idx ON handoffs (adviser_id) WHERE status IN ('claimed', 'active');

-- Slack posts waiting to be made. Written in the same transaction as the state change that
-- causes them; `key` is our idempotency key, also sent as message metadata so a post
-- interrupted by a crash is looked up in Slack before it is ever sent again.
CREATE TABLE slack_outbox (
  id          bigserial PRIMARY KEY,
  handoff_id  bigint NOT NULL REFERENCES handoffs(id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('card', 'update', 'relay', 'escalate', 'notice')),
  key         text NOT NULL UNIQUE,
  -- relay: {seq}; notice: {text}; others: {}.
  payload     jsonb NOT NULL DEFAULT '{}',
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
  attempts    int NOT NULL DEFAULT 0,
  run_at      timestamptz NOT NULL,
  locked_at   timestamptz,
  sent_ts     text,
  error       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slack_outbox_due_idx ON slack_outbox (run_at, id) WHERE status = 'pending';

-- Slack event ids already handled: a retried event is acknowledged and ignored.
CREATE TABLE slack_events_seen (
  event_id    text PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Who did what to which conversation (no message text).
CREATE TABLE handoff_audit (
  id              bigserial PRIMARY KEY,
  conversation_id text NOT NULL,
  handoff_id      bigint,
  adviser_id      text NOT NULL,
  action          text NOT NULL CHECK (action IN ('view', 'claim', 'release', 'message', 'note', 'return', 'close', 'callback')),
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX handoff_audit_conversation_idx ON handoff_audit (conversation_id, at);
