-- Who last wrote a vacancy's values (issue 13): 'yaml' = flows/partners.yaml (`anchorline db seed`,
-- or start-up seeding when the vacancy was new), 'studio' = the studio's programme data pages
-- (added, closed or reopened there). `db seed` never overwrites a vacancy the studio changed, as it
-- never overwrites a session `import sessions` changed (045). Sessions the studio adds, resizes or
-- cancels are now marked 'studio' too, so start-up and `flows check --db` can say where a change
-- came from. Rows stored before this migration count as the file's, as in 045.
ALTER TABLE vacancies ADD COLUMN source text NOT NULL DEFAULT 'yaml' CHECK (source IN ('yaml', 'studio'));
ALTER TABLE course_sessions DROP CONSTRAINT course_sessions_source_check;
ALTER TABLE course_sessions ADD CONSTRAINT course_sessions_source_check CHECK (source IN ('yaml', 'import', 'studio'));
