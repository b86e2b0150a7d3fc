import type { Queryable } from '../../store/db.ts';
import { deletePostcodeAnswers, findPostcodeAnswer, savePostcodeAnswer } from '../../store/postcodeCache.ts';
import { apiPlaceSchema, type ApiPlace } from './postcodesIo.ts';

/** Found postcodes are kept 30 days (issue 5). */
export const FOUND_TTL_MS = 30 * 24 * 3600 * 1000;
/** "Not found" is kept only a day: new-build postcodes appear in postcodes.io every month. */
export const NOT_FOUND_TTL_MS = 24 * 3600 * 1000;

export type CachedAnswer = { type: 'found'; place: ApiPlace } | { type: 'notFound' };

export async function readPostcodeCache(db: Queryable, postcode: string, now: Date): Promise<CachedAnswer | undefined> {
  const row = await findPostcodeAnswer(db, postcode, {
    foundSince: new Date(now.getTime() - FOUND_TTL_MS),
    notFoundSince: new Date(now.getTime() - NOT_FOUND_TTL_MS),
  });
  if (!row) return undefined;
  if (row.outcome === 'notFound') return { type: 'notFound' };
  // A row written by an older shape is treated as a miss, not an error.
  const place = apiPlaceSchema.safeParse(row.place);
  return place.success ? { type: 'found', place: place.data } : undefined;
}

/** Deletes answers too old to be used; returns how many. Safe to run from any process. */
export function prunePostcodeCache(db: Queryable, now: Date): Promise<number> {
  return deletePostcodeAnswers(db, new Date(now.getTime() - FOUND_TTL_MS));
}

export function writePostcodeCache(db: Queryable, postcode: string, answer: CachedAnswer, now: Date): Promise<void> {
  return savePostcodeAnswer(db, postcode, { outcome: answer.type, place: answer.type === 'found' ? answer.place : {} }, now);
}
