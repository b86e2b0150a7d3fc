import type { Logger } from 'pino';
import { z } from 'zod';
import { defineAction } from '../../engine/actions.ts';
import { lookupPostcode } from './lookupPostcode.ts';
import { postcodeOutcomeSchema } from './postcodeOutcome.ts';
import type { PlacesReference } from './placesReference.ts';

export interface LookupPostcodeActionDeps {
  postcodesIoUrl: string;
  places: PlacesReference;
  fetchTimeoutMs: number;
  logger?: Logger;
}

/** `lookupPostcode {postcode}` → found (maybe approximate) | invalid | notFound | unavailable. */
export function lookupPostcodeAction(deps: LookupPostcodeActionDeps) {
  return defineAction({
    name: 'lookupPostcode',
    description: 'Resolves a postcode to council, ward, neighbourhood (2011 LSOA) and IMD 2019 decile; cached 30 days',
    params: z.object({ postcode: z.string().max(40) }),
    result: postcodeOutcomeSchema,
    run: (params, ctx) =>
      lookupPostcode(params.postcode, {
        db: ctx.tx,
        places: deps.places,
        postcodesIoUrl: deps.postcodesIoUrl,
        timeoutMs: deps.fetchTimeoutMs,
        now: ctx.now,
        signal: ctx.signal,
        logger: deps.logger,
      }),
  });
}
