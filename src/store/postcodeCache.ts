import type { Queryable } from './db.ts';

/** One cached postcodes.io answer: `place` is the stored JSON (`{}` for notFound). */
export interface PostcodeCacheRow {
  outcome: 'found' | 'notFound';
  place: unknown;
}

/**
 * The cached answer for a postcode if it is fresh enough: a 'found' answer fetched after
 * `foundSince`, a 'notFound' one after `notFoundSince`.
 */
export async function findPostcodeAnswer(
  db: Queryable,
  postcode: string,
  fresh: { foundSince: Date; notFoundSince: Date },
): Promise<PostcodeCacheRow | undefined> {
  const { rows } = await db.query<{ outcome: string; place: unknown }>(
    `SELECT outcome, place FROM postcode_cache
      WHERE postcode = $1
        AND fetched_at > CASE outcome WHEN 'found' THEN $2::timestamptz ELSE $3::timestamptz END`,
    [postcode, fresh.foundSince, fresh.notFoundSince],
  );
  const row = rows[0];
  if (!row) return undefined;
  // Parsed here too in case a driver hands jsonb back as text.
  const place = typeof row.place === 'string' ? (JSON.parse(row.place) as unknown) : row.place;
  return { outcome: row.outcome === 'found' ? 'found' : 'notFound', place };
}

export async function savePostcodeAnswer(db: Queryable, postcode: string, answer: PostcodeCacheRow, fetchedAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO postcode_cache (postcode, outcome, place, fetched_at) VALUES ($1, $2, $3::jsonb, $4)
     ON CONFLICT (postcode) DO UPDATE SET outcome = EXCLUDED.outcome, place = EXCLUDED.place, fetched_at = EXCLUDED.fetched_at`,
    [postcode, answer.outcome, JSON.stringify(answer.place ?? {}), fetchedAt],
  );
}

/** Deletes answers fetched at or before `fetchedBefore`; returns how many. */
export async function deletePostcodeAnswers(db: Queryable, fetchedBefore: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM postcode_cache WHERE fetched_at <= $1', [fetchedBefore]);
  return rowCount;
}

/** Erasure: the cached answers for the postcodes a resident gave (normalised, as looked up). */
export async function forgetPostcodes(db: Queryable, postcodes: string[]): Promise<number> {
  if (postcodes.length === 0) return 0;
  const { rowCount } = await db.query('DELETE FROM postcode_cache WHERE postcode = ANY($1::text[])', [postcodes]);
  return rowCount;
}
