-- Courses, their sessions, bookings and the waiting list (src/domain/courses).
-- Ids of courses and sessions come from flows/courses.yaml (or the CSV import), so re-seeding is an upsert.

CREATE TABLE courses (
  id                   text PRIMARY KEY,
  name                 text NOT NULL,
  programme_id         text NOT NULL,
  job_family           text NOT NULL CHECK (job_family IN ('administration', 'facilities', 'medical')),
  length_weeks         int NOT NULL CHECK (length_weeks > 0),
  guaranteed_interview boolean NOT NULL,
  languages            text[] NOT NULL,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE course_sessions (
  id               text PRIMARY KEY,
  course_id        text NOT NULL REFERENCES courses(id),
  venue_name       text NOT NULL,
  venue_address    text NOT NULL,
  venue_accessible boolean NOT NULL,
  starts_at        timestamptz NOT NULL,
  ends_at          timestamptz NOT NULL,
  capacity         int NOT NULL CHECK (capacity >= 0),
  -- Seats held: bookings 'booked' plus open seat offers. Changed only by a conditional
  -- UPDATE (taken < capacity) or under the row lock, so it can never pass capacity.
  taken            int NOT NULL DEFAULT 0 CHECK (taken >= 0 AND taken <= capacity),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE INDEX course_sessions_upcoming_idx ON course_sessions (course_id, starts_at);

-- One row per (conversation, session) attempt. 'waiting' is the waiting list, ordered by id.
CREATE TABLE bookings (
  id              bigserial PRIMARY KEY,
  session_id      text NOT NULL REFERENCES course_sessions(id),
  conversation_id text NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  status          text NOT NULL CHECK (status IN ('booked', 'waiting', 'offered', 'cancelled', 'declined', 'expired')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
-- At most one live booking per person and session: booking twice returns the first.
CREATE UNIQUE INDEX bookings_live_idx ON bookings (conversation_id, session_id)
  WHERE status IN ('booked', 'waiting', 'offered');
CREATE INDEX bookings_waiting_idx ON bookings (session_id, id) WHERE status = 'waiting';

-- A freed seat offered to the first waiting person, held for them until expires_at.
CREATE TABLE seat_offers (
  id          bigserial PRIMARY KEY,
  booking_id  bigint NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
  status      text NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired', 'withdrawn')),
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  decided_at  timestamptz
);
CREATE UNIQUE INDEX seat_offers_open_idx ON seat_offers (booking_id) WHERE status = 'open';
