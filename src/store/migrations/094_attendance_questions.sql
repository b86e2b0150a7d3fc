-- "Did you go?" (issue 15, Deliver 6): when the question about a booking was sent, so a resident's
-- answer — a button or typed "I went", neither naming the booking — goes to the question they were
-- asked most recently and have not answered, not to whichever session started last. A time, no text.
CREATE TABLE attendance_questions (
  booking_id bigint PRIMARY KEY REFERENCES bookings(id) ON DELETE CASCADE,
  asked_at   timestamptz NOT NULL
);
