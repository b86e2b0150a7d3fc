-- An operator's dashboard session is bound to the ADMIN_TOKEN it was signed in with (issue 15,
-- review): the SHA-256 of that token is kept, and every request requires it to equal the hash of
-- the server's current ADMIN_TOKEN, so rotating or removing the token ends every operator session
-- at its next click. Operator sessions from before this column cannot be bound: they end now
-- (the operator signs in again).
DELETE FROM outcomes_sessions WHERE kind = 'operator';
ALTER TABLE outcomes_sessions ADD COLUMN operator_token_sha256 text CHECK (operator_token_sha256 ~ '^[0-9a-f]{64}$');
ALTER TABLE outcomes_sessions ADD CONSTRAINT outcomes_sessions_operator_token_check
  CHECK ((kind = 'operator') = (operator_token_sha256 IS NOT NULL));
