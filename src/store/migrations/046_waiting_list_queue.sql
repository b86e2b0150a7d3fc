-- Waiting-list places numbered under the session row lock (issue 11, item 3).
-- Positions used to be "waiting bookings with a smaller id", counted from each transaction's
-- own snapshot: two residents joining at once on different connections could not see each
-- other and were both told "you are number 1", and ids (taken at INSERT) need not follow the
-- order in which joins commit. Now a join raises course_sessions.waiting_seq, which takes the
-- session row lock and holds it to COMMIT, and stores the number as bookings.queue_no: the
-- next join waits for that lock, so it counts every earlier place and gets a larger number.
ALTER TABLE course_sessions ADD COLUMN waiting_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN queue_no bigint;

-- People already waiting keep their order (by id, as before).
UPDATE bookings b SET queue_no = q.n
FROM (SELECT id, row_number() OVER (PARTITION BY session_id ORDER BY id) AS n FROM bookings WHERE status = 'waiting') q
WHERE b.id = q.id;
UPDATE course_sessions s SET waiting_seq = q.top
FROM (SELECT session_id, max(queue_no) AS top FROM bookings WHERE queue_no IS NOT NULL GROUP BY session_id) q
WHERE s.id = q.session_id;

-- One number per place, ever, in a session: the database itself refuses a duplicate.
CREATE UNIQUE INDEX bookings_queue_no_idx ON bookings (session_id, queue_no) WHERE queue_no IS NOT NULL;
DROP INDEX bookings_waiting_idx;
CREATE INDEX bookings_waiting_idx ON bookings (session_id, queue_no) WHERE status = 'waiting';
