-- Channel-neutral handoffs (issue 10): the domain writes handoff events to `handoff_outbox`;
-- an adviser channel (Slack today) consumes them. Where a handoff's card sits in Slack moves
-- out of `handoffs` into Slack's own tables. A resident can leave an open handoff (stop, start
-- again, delete my data), and an erased handoff keeps no summary.

ALTER TABLE handoffs
  -- The resident's age as the flow declares it: decides the under-18 flag on urgent cards.
  ADD COLUMN age text,
  -- Set when the resident, not an adviser, ended the handoff.
  ADD COLUMN left_reason text CHECK (left_reason IN ('erased', 'stopped', 'restarted')),
  -- Set when the summary was erased ("delete my data", retention).
  ADD COLUMN erased_at timestamptz;

-- The handoff's card in Slack. No foreign key: when retention deletes a conversation (and its
-- handoffs), the card still has to be found to wipe it.
CREATE TABLE slack_cards (
  handoff_id  bigint PRIMARY KEY,
  channel     text NOT NULL,
  ts          text NOT NULL,
  posted_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX slack_cards_message_uq ON slack_cards (channel, ts);
INSERT INTO slack_cards (handoff_id, channel, ts)
  SELECT id, slack_channel, slack_ts FROM handoffs WHERE slack_channel IS NOT NULL AND slack_ts IS NOT NULL;
DROP INDEX handoffs_card_idx;
ALTER TABLE handoffs DROP COLUMN slack_channel, DROP COLUMN slack_ts;

-- Thread posts that carry what a resident wrote (relayed messages, call-back numbers): kept
-- so they can be deleted from Slack (chat.delete) when the resident's data is erased.
CREATE TABLE slack_posts (
  handoff_id  bigint NOT NULL,
  ts          text NOT NULL,
  PRIMARY KEY (handoff_id, ts)
);

-- Handoff events waiting for the adviser channel, written in the transaction of the change
-- that caused them. `key` is our idempotency key (a repeated turn or event adds nothing).
-- No foreign key, for the same reason as slack_cards: an `erased` event outlives its handoff.
CREATE TABLE handoff_outbox (
  id          bigserial PRIMARY KEY,
  handoff_id  bigint NOT NULL,
  type        text NOT NULL CHECK (type IN ('requested', 'claimed', 'released', 'adviser_replied', 'returned', 'closed',
                                            'urgent', 'callback', 'message', 'escalation_due', 'resident_left', 'erased')),
  key         text NOT NULL UNIQUE,
  -- message: {seq}; callback: {phone, preferredTime}; resident_left: {reason}; others: {}.
  payload     jsonb NOT NULL DEFAULT '{}',
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
  attempts    int NOT NULL DEFAULT 0,
  run_at      timestamptz NOT NULL,
  locked_at   timestamptz,
  sent_ts     text,
  error       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX handoff_outbox_due_idx ON handoff_outbox (run_at, id) WHERE status = 'pending';
CREATE INDEX handoff_outbox_handoff_idx ON handoff_outbox (handoff_id, id);

-- Posts not yet made keep their place. Every card redraw is the same to the consumer, so an
-- old 'update' takes the type its key's status suggests.
INSERT INTO handoff_outbox (handoff_id, type, key, payload, status, attempts, run_at, locked_at, error, created_at)
  SELECT handoff_id,
         CASE kind
           WHEN 'card' THEN 'requested'
           WHEN 'relay' THEN 'message'
           WHEN 'escalate' THEN 'escalation_due'
           WHEN 'notice' THEN CASE WHEN payload->>'notice' = 'callback' THEN 'callback' ELSE 'urgent' END
           ELSE CASE split_part(key, ':', 4)
                  WHEN 'claimed' THEN 'claimed' WHEN 'active' THEN 'adviser_replied'
                  WHEN 'returned' THEN 'returned' WHEN 'closed' THEN 'closed' ELSE 'released' END
         END,
         CASE kind WHEN 'card' THEN 'requested:' || handoff_id WHEN 'escalate' THEN 'escalation_due:' || handoff_id ELSE key END,
         payload - 'notice', status, attempts, run_at, locked_at, error, created_at
    FROM slack_outbox WHERE status IN ('pending', 'sending') ORDER BY id;
INSERT INTO slack_posts (handoff_id, ts)
  SELECT handoff_id, sent_ts FROM slack_outbox
   WHERE status = 'sent' AND sent_ts IS NOT NULL AND (kind = 'relay' OR (kind = 'notice' AND payload->>'notice' = 'callback'))
  ON CONFLICT DO NOTHING;
DROP TABLE slack_outbox;

ALTER TABLE handoff_audit DROP CONSTRAINT handoff_audit_action_check;
ALTER TABLE handoff_audit ADD CONSTRAINT handoff_audit_action_check
  CHECK (action IN ('view', 'claim', 'release', 'message', 'note', 'return', 'close', 'callback', 'resident_left'));
