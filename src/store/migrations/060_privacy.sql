-- Privacy (issue 12): consent per purpose, a content-free audit of privacy actions, and
-- one-time links for a resident's copy of their data.

-- Consent as events (UK GDPR: per purpose, timestamped, with the wording shown, withdrawable).
-- The latest event per (conversation, purpose, partner) is the consent in force. Deleted with
-- the rest of the conversation's data on erasure: what remains is the privacy_audit fact.
CREATE TABLE consent_events (
  id bigserial PRIMARY KEY,
  conversation_id text NOT NULL,
  -- keep_answers: keep the answers to check eligibility; share_application: send the
  -- application to one named partner; contact: contact by phone or email about a handoff.
  purpose text NOT NULL CHECK (purpose IN ('keep_answers', 'share_application', 'contact')),
  -- The partner an application is shared with (share_application), or the contact method.
  scope text NOT NULL DEFAULT '',
  granted boolean NOT NULL,
  -- The question shown (an i18n key) and the version of its wording (flow version or text hash).
  wording_key text NOT NULL,
  wording_version text NOT NULL,
  locale text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_events_conversation ON consent_events (conversation_id, purpose, scope, id DESC);

-- What was done about a conversation's data, by whom, when: no content, no personal values.
-- Kept after erasure on purpose ("erased at …, by the resident").
CREATE TABLE privacy_audit (
  id bigserial PRIMARY KEY,
  conversation_id text NOT NULL,
  action text NOT NULL CHECK (action IN ('erased', 'export_link_created', 'exported', 'consent_withdrawn')),
  -- resident | retention | staff:<name>
  actor text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX privacy_audit_conversation ON privacy_audit (conversation_id, at);

-- One-time links to a copy of the resident's data ("send me my data"). Only a hash of the
-- link's secret is stored; a link works once, until it expires.
CREATE TABLE data_export_links (
  token_hash text PRIMARY KEY,
  conversation_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX data_export_links_conversation ON data_export_links (conversation_id);
