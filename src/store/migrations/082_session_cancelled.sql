-- A course session cancelled by a coordinator in the studio (issue 13, programme data pages).
-- The row stays (bookings point at it, and the audit names it); residents are no longer offered
-- it and cannot book it. Set once: cancelling again changes nothing.
ALTER TABLE course_sessions ADD COLUMN cancelled_at timestamptz;
