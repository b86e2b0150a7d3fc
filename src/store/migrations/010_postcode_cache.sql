-- postcodes.io answers, kept 30 days so a resident who comes back (or a busy morning of
-- residents from one street) costs one API call. Holds area codes only, never who asked.

CREATE TABLE postcode_cache (
  -- Normalised form from the `postcode` package, e.g. 'B26 1EB'.
  postcode    text PRIMARY KEY,
  outcome     text NOT NULL CHECK (outcome IN ('found', 'notFound')),
  -- found: {council, councilName, ward, wardName, lsoa11}; notFound: {}.
  place       jsonb NOT NULL DEFAULT '{}'::jsonb,
  fetched_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX postcode_cache_fetched_idx ON postcode_cache (fetched_at);
