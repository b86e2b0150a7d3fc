-- Who may look at the outcomes dashboard (issue 15). Browsers sign in once with the operator token
-- or a partner credential (coordinators come from the studio) and get a server-side session: the
-- cookie holds a random id, the table only its SHA-256. Every request re-reads the session and,
-- for a partner, whether its credential has been revoked since.

CREATE TABLE outcomes_sessions (
  id_sha256     text PRIMARY KEY CHECK (id_sha256 ~ '^[0-9a-f]{64}$'),
  kind          text NOT NULL CHECK (kind IN ('operator', 'partner', 'staff')),
  partner_id    text REFERENCES partners(id),
  credential_id text REFERENCES partner_credentials(id),
  staff_id      bigint REFERENCES studio_staff(id),
  -- Sign-out posts it back: a page of ours, not another site's form.
  csrf          text NOT NULL,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  CHECK ((kind = 'partner') = (partner_id IS NOT NULL AND credential_id IS NOT NULL)),
  CHECK ((kind = 'staff') = (staff_id IS NOT NULL))
);
CREATE INDEX outcomes_sessions_expires_idx ON outcomes_sessions (expires_at);

-- Partner uses of the dashboard, its exports and posters are audited like their other uses.
ALTER TABLE partner_access_audit DROP CONSTRAINT partner_access_audit_action_check;
ALTER TABLE partner_access_audit ADD CONSTRAINT partner_access_audit_action_check
  CHECK (action IN ('applications.export', 'application.set_status', 'credential.create', 'credential.revoke',
                    'outcomes.signin', 'outcomes.view', 'outcomes.export', 'referral.poster'));
