-- The coordinator studio's one shared draft (issue 13): the flow and wording files coordinators
-- and translators edit before publishing. One row at most. `files` NULL means "the live
-- release's files, unchanged" (never saved, discarded, or just published), so the draft follows
-- the live release until someone edits it. `revision` rises with every save, discard and
-- publish: a save names the revision it was made on (optimistic locking, 409 draft_conflict).
CREATE TABLE flow_draft (
  id           smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  files        jsonb CHECK (files IS NULL OR jsonb_typeof(files) = 'object'),
  -- The release the draft started from (no foreign key: releases live in their own part's tables).
  base_release integer NOT NULL,
  revision     integer NOT NULL CHECK (revision >= 0),
  -- Who saved last: a member of staff's email, never a resident's data.
  updated_by   text,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
