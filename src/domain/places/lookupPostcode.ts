import type { Logger } from 'pino';
import { parse } from 'postcode';
import type { Queryable } from '../../store/db.ts';
import { readPostcodeCache, writePostcodeCache } from './postcodeCache.ts';
import type { PostcodeOutcome } from './postcodeOutcome.ts';
import { fetchPostcode, type ApiPlace } from './postcodesIo.ts';
import type { PlacesReference } from './placesReference.ts';

export interface LookupPostcodeDeps {
  db: Queryable;
  places: PlacesReference;
  postcodesIoUrl: string;
  timeoutMs: number;
  now: Date;
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * Resolves a postcode to council, ward, 2011 LSOA and IMD decile: format check, then the
 * database cache, then postcodes.io. When postcodes.io is down the council comes from the
 * postcode district only where the district lies wholly in one council (reference/
 * postcode_districts.csv), marked approximate. A B postcode alone never means Birmingham.
 */
export async function lookupPostcode(input: string, deps: LookupPostcodeDeps): Promise<PostcodeOutcome> {
  const parsed = parse(input.trim());
  if (!parsed.valid) return { type: 'invalid' };
  const postcode = parsed.postcode;

  const cached = await readPostcodeCache(deps.db, postcode, deps.now);
  if (cached) return cached.type === 'found' ? found(postcode, cached.place, deps.places) : { type: 'notFound', postcode };

  const answer = await fetchPostcode(deps.postcodesIoUrl, postcode, { timeoutMs: deps.timeoutMs, signal: deps.signal });
  switch (answer.type) {
    case 'found':
      await writePostcodeCache(deps.db, postcode, answer, deps.now);
      return found(postcode, answer.place, deps.places);
    case 'notFound':
      await writePostcodeCache(deps.db, postcode, answer, deps.now);
      return { type: 'notFound', postcode };
    case 'invalid':
      return { type: 'invalid' };
    case 'unavailable': {
      // No postcode in the log line: it is personal data.
      deps.logger?.warn({ reason: answer.reason, status: answer.status }, 'postcodes.io unavailable; using district fallback');
      const council = deps.places.councilOfDistrict(parsed.district);
      if (!council) return { type: 'unavailable', postcode };
      return {
        type: 'found',
        postcode,
        council: council.code,
        councilName: council.name,
        ward: null,
        wardName: null,
        lsoa11: null,
        imdDecile: null,
        imdCovered: deps.places.councilName(council.code) !== undefined,
        approximate: true,
      };
    }
    default: {
      const never: never = answer;
      throw new Error(`unhandled postcodes.io answer ${JSON.stringify(never)}`);
    }
  }
}

function found(postcode: string, place: ApiPlace, places: PlacesReference): PostcodeOutcome {
  // postcodes.io's own ward is the postcode's real ward; ONS best fit only when it gave none.
  const bestFit = place.ward === null && place.lsoa11 ? places.wardOf(place.lsoa11) : undefined;
  return {
    type: 'found',
    postcode,
    ...place,
    ...(bestFit && { ward: bestFit.code, wardName: bestFit.name }),
    imdDecile: place.lsoa11 ? (places.imdDecile(place.lsoa11) ?? null) : null,
    imdCovered: places.councilName(place.council) !== undefined,
    approximate: false,
  };
}
