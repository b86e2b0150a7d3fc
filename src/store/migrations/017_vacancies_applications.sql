-- Partners, vacancies (src/domain/vacancies) and applications (src/domain/applications).

CREATE TABLE partners (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vacancies (
  id              text PRIMARY KEY,
  partner_id      text NOT NULL REFERENCES partners(id),
  role            text NOT NULL,
  job_family      text NOT NULL CHECK (job_family IN ('administration', 'facilities', 'medical')),
  band            text NOT NULL,
  hours_per_week  numeric NOT NULL CHECK (hours_per_week > 0),
  site_id         text NOT NULL,
  site_name       text NOT NULL,
  closing_date    date NOT NULL,
  start_date      date,
  min_age         int NOT NULL CHECK (min_age >= 16),
  requirements    text[] NOT NULL DEFAULT '{}',
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vacancies_partner_idx ON vacancies (partner_id);

-- One application per conversation ("one profile, one application"), linked to many vacancies.
CREATE TABLE applications (
  id              bigserial PRIMARY KEY,
  conversation_id text NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
  -- The universal person specification and values statements the resident gave.
  profile         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE application_vacancies (
  id             bigserial PRIMARY KEY,
  application_id bigint NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  vacancy_id     text NOT NULL REFERENCES vacancies(id),
  status         text NOT NULL DEFAULT 'submitted'
                 CHECK (status IN ('submitted', 'shortlisted', 'interview', 'offered', 'unsuccessful', 'withdrawn')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (application_id, vacancy_id)
);
CREATE INDEX application_vacancies_vacancy_idx ON application_vacancies (vacancy_id);
