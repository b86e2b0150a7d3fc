import type { Queryable } from '../../store/db.ts';
import { apiPlaceSchema, type ApiPlace } from './postcodesIo.ts';

/** Found postcodes are kept 30 days (issue 5). */
export const FOUND_TTL_MS = 30 * 24 * 3600 * 1000;
/** "Not found" is kept only a day: new-build postcodes appear in postcodes.io every month. */
export const NOT_FOUND_TTL_MS = 24 * 3600 * 1000;

export type CachedAnswer = { type: 'found'; place: ApiPlace } | { type: 'notFound' };

export async function readPostcodeCache(db: Queryable, postcode: string, now: Date): Promise<CachedAnswer | undefined> {
  const { rows } = await db.query<{ outcome: string; place: unknown }>(
    `SELECT outcome, place FROM postcode_cache
      WHERE postcode = $1
        AND fetched_at > CASE outcome WHEN 'found' THEN $2::timestamptz ELSE $3::timestamptz END`,
    [postcode, new Date(now.getTime() - FOUND_TTL_MS), new Date(now.getTime() - NOT_FOUND_TTL_MS)],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.outcome === 'notFound') return { type: 'notFound' };
  // A row written by an older shape is treated as a miss, not an error.
  const place = apiPlaceSchema.safeParse(typeof row.place === 'string' ? JSON.parse(row.place) : row.place);
  return place.success ? { type: 'found', place: place.data } : undefined;
}

/** Deletes answers too old to be used; returns how many. Safe to run from any process. */
export async function prunePostcodeCache(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM postcode_cache WHERE fetched_at <= $1', [new Date(now.getTime() - FOUND_TTL_MS)]);
  return rowCount;
}

export async function writePostcodeCache(db: Queryable, postcode: string, answer: CachedAnswer, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO postcode_cache (postcode, outcome, place, fetched_at) VALUES ($1, $2, $3::jsonb, $4)
     ON CONFLICT (postcode) DO UPDATE SET outcome = EXCLUDED.outcome, place = EXCLUDED.place, fetched_at = EXCLUDED.fetched_at`,
    [postcode, answer.type, JSON.stringify(answer.type === 'found' ? answer.place : {}), now],
  );
}
