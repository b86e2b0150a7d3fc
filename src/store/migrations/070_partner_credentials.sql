-- Partner credentials (issue 12): each partner reads and updates only its own applications,
-- with a credential of its own. Only a SHA-256 of the secret is kept; the secret is shown once,
-- by `anchorline partners credentials create`. Credentials are revoked, never deleted, so the
-- audit below always names one.

CREATE TABLE partner_credentials (
  -- The public part of the credential (alp_<id>_<secret>): lookup is by id, the secret is checked by hash.
  id            text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
  partner_id    text NOT NULL REFERENCES partners(id),
  label         text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
  secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX partner_credentials_partner_idx ON partner_credentials (partner_id);

-- Every use of a partner credential, allowed or not, and its creation and revocation.
-- No personal data: ids, the action, the outcome and the time.
CREATE TABLE partner_access_audit (
  id                     bigserial PRIMARY KEY,
  credential_id          text NOT NULL REFERENCES partner_credentials(id),
  -- The credential's partner (whose data it may open).
  partner_id             text NOT NULL,
  action                 text NOT NULL
                         CHECK (action IN ('applications.export', 'application.set_status', 'credential.create', 'credential.revoke')),
  -- The partner whose applications were asked for (export), when the request named one.
  requested_partner_id   text,
  -- The application vacancy a status update named, when it was a number.
  application_vacancy_id bigint,
  outcome                text NOT NULL
                         CHECK (outcome IN ('allowed', 'forbidden', 'invalid', 'revoked', 'bad_secret', 'done')),
  at                     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partner_access_audit_credential_idx ON partner_access_audit (credential_id, at);
