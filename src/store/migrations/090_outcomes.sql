-- Reach and outcomes (issue 15): referral codes for community partners, the coarse facts a
-- conversation contributes to the figures, the funnel events themselves, and attendance.
--
-- Privacy: funnel_events hold no personal values and no conversation id. Each event names a
-- `subject`, a random UUID given at consent; the only link from a conversation to its subject is
-- conversation_reach, which erasure deletes. So the figures survive erasure and name nobody.
-- Before consent a conversation counts only as an anonymous `started` event (subject NULL).

CREATE TABLE referral_codes (
  -- Upper-case letters and digits: typed from a poster, read aloud on the phone.
  code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{4,20}$'),
  -- The community partner (or employer) the route belongs to: its credential sees this route.
  partner_id  text NOT NULL REFERENCES partners(id),
  label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- A retired code is no longer counted for new conversations; past figures keep it.
  retired_at  timestamptz
);
CREATE INDEX referral_codes_partner_idx ON referral_codes (partner_id);

-- What one conversation contributes to the figures: coarse dimensions, never values the
-- resident typed. Written from the first turn (referral code, language); the rest after consent.
CREATE TABLE conversation_reach (
  conversation_id text PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  referral_code   text,
  -- Given at consent; NULL before. Erasure deletes this row: the events keep a subject nobody can trace.
  subject         uuid,
  consented_at    timestamptz,
  language        text NOT NULL,
  ward_code       text,
  imd_decile      smallint CHECK (imd_decile BETWEEN 1 AND 10),
  age_band        text,
  programme_id    text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE funnel_events (
  id            bigserial PRIMARY KEY,
  -- NULL: an anonymous count (a conversation started, before any consent).
  subject       uuid,
  stage         text NOT NULL CHECK (stage IN (
                  'started', 'consented', 'eligibility', 'booked', 'attended', 'did_not_attend',
                  'applied', 'shortlisted', 'interviewed', 'offered', 'started_job',
                  'handed_off', 'erased')),
  at            timestamptz NOT NULL,
  programme_id  text,
  -- The employer (applied … started_job): whose vacancy it was.
  partner_id    text,
  vacancy_id    text,
  -- The course session (booked, attended, did_not_attend).
  session_id    text,
  -- eligibility: the decision and the rule that decided it (a rule id, never an answer).
  eligible      boolean,
  rule          text,
  referral_code text,
  ward_code     text,
  imd_decile    smallint CHECK (imd_decile BETWEEN 1 AND 10),
  age_band      text,
  language      text
);
CREATE INDEX funnel_events_at_idx ON funnel_events (at);
CREATE INDEX funnel_events_subject_idx ON funnel_events (subject, stage, at) WHERE subject IS NOT NULL;
CREATE INDEX funnel_events_referral_idx ON funnel_events (referral_code, at) WHERE referral_code IS NOT NULL;

-- Whether a booked resident went: marked by a coordinator (CLI, CSV, the studio page) or
-- answered by the resident in chat after the session. A coordinator's mark wins; the
-- resident's answer never overwrites it.
CREATE TABLE session_attendance (
  booking_id  bigint PRIMARY KEY REFERENCES bookings(id) ON DELETE CASCADE,
  attended    boolean NOT NULL,
  source      text NOT NULL CHECK (source IN ('coordinator', 'resident')),
  -- 'resident', 'cli', 'csv' or 'staff:<staff id>': who, never a resident's name.
  marked_by   text NOT NULL,
  marked_at   timestamptz NOT NULL DEFAULT now()
);

-- A job start is a status partners set, as shortlisted, interview and offered are.
ALTER TABLE application_vacancies DROP CONSTRAINT application_vacancies_status_check;
ALTER TABLE application_vacancies ADD CONSTRAINT application_vacancies_status_check
  CHECK (status IN ('submitted', 'shortlisted', 'interview', 'offered', 'started', 'unsuccessful', 'withdrawn'));
