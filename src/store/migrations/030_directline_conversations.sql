-- Direct Line conversations started through /v3/directline (issue 4). The engine's
-- `conversations` row appears only with the first turn; this row exists from the moment a
-- conversation id is handed out, so reconnects and unknown ids (404) are answered without it.
CREATE TABLE directline_conversations (
  id          text PRIMARY KEY,
  user_id     text NOT NULL,
  locale      text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
