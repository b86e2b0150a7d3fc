-- Who last wrote a course session's values (issue 10, item 7): 'yaml' = flows/courses.yaml
-- (`anchorline db seed`, or start-up seeding when the session was new), 'import' =
-- `anchorline import sessions`. `db seed` never overwrites a session an import changed.
-- Sessions stored before this migration count as the file's: which of them an import had
-- changed cannot be told now.
ALTER TABLE course_sessions ADD COLUMN source text NOT NULL DEFAULT 'yaml' CHECK (source IN ('yaml', 'import'));
