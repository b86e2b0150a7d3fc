-- Waiting for a person is never silent (issue 11): while a handoff waits, the resident is asked
-- how they would like to be contacted. The small exchange's state lives on the handoff row.
-- A phone number or email address is kept only once the resident agreed to its use for this
-- handoff; it is emptied with the summary on erasure.

ALTER TABLE handoffs
  -- Where the contact exchange stands: asking the method, asking the number or address,
  -- asking consent to use it (the value is held for that one question), or finished.
  ADD COLUMN contact_step text CHECK (contact_step IN ('method', 'phone', 'email', 'consent', 'done')),
  ADD COLUMN contact_method text CHECK (contact_method IN ('chat', 'phone', 'email')),
  ADD COLUMN contact_value text,
  -- When the resident agreed that contact_value be used to contact them about this handoff.
  ADD COLUMN contact_consent_at timestamptz,
  -- Short "passed on" answers given while unclaimed (the first one may re-offer the choice).
  ADD COLUMN waiting_notes int NOT NULL DEFAULT 0;
