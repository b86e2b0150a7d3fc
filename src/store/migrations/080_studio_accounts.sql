-- The coordinator studio's accounts (issue 13): staff invited from the command line, one-time
-- sign-in links, sessions, and the audit trail of every change made in the studio. Secrets are
-- never stored: links and sessions are found by the SHA-256 of their random value.

CREATE TABLE studio_staff (
  id             bigserial PRIMARY KEY,
  -- Lower-cased by the application; the check keeps two spellings of one address from being two accounts.
  email          text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  role           text NOT NULL CHECK (role IN ('coordinator', 'translator', 'viewer')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_signin_at timestamptz,
  -- Removed staff are disabled, never deleted, so the audit trail always names someone.
  disabled_at    timestamptz
);

-- A one-time sign-in link (an invitation, or `anchorline studio link`): used once, before it expires.
CREATE TABLE studio_signin_links (
  token_sha256 text PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  staff_id     bigint NOT NULL REFERENCES studio_staff(id),
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz
);
CREATE INDEX studio_signin_links_staff_idx ON studio_signin_links (staff_id);

-- A signed-in browser. Ends on sign-out, on removal of the account, after STUDIO_SESSION_HOURS
-- without activity (last_seen_at, written at most once a minute) and 7 days after sign-in.
CREATE TABLE studio_sessions (
  id_sha256    text PRIMARY KEY CHECK (id_sha256 ~ '^[0-9a-f]{64}$'),
  staff_id     bigint NOT NULL REFERENCES studio_staff(id),
  -- The session's CSRF token: pages embed it, so it is no more secret than the page.
  csrf         text NOT NULL,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL
);
CREATE INDEX studio_sessions_staff_idx ON studio_sessions (staff_id);

-- Who did what in the studio, and when. `via`: the browser (a signed-in member of staff) or the
-- command line (the operator at the server, who has no studio account). No resident data.
CREATE TABLE studio_audit (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  via         text NOT NULL CHECK (via IN ('studio', 'cli')),
  staff_id    bigint REFERENCES studio_staff(id),
  staff_email text,
  action      text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$'),
  subject     text NOT NULL CHECK (length(subject) <= 500),
  detail      jsonb,
  CHECK (via = 'cli' OR (staff_id IS NOT NULL AND staff_email IS NOT NULL))
);
CREATE INDEX studio_audit_at_idx ON studio_audit (at, id);
