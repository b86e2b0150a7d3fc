import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { DomainAction } from '../engine/actions.ts';
import type { CourseOptions } from './courses/courseOptions.ts';
import type { Translate } from './eligibility/explainDecision.ts';
import { loadProgrammes } from './eligibility/loadProgrammes.ts';
import { placesAndEligibilityActions } from './eligibility/placesAndEligibilityActions.ts';
import { journeyActions } from './journey/journeyActions.ts';
import { placesReference } from './places/placesReference.ts';

export function courseOptionsOf(config: Config): CourseOptions {
  return {
    seatOfferTtlMs: config.SEAT_OFFER_TTL_MINUTES * 60_000,
    reminderOffsetsMs: config.COURSE_REMINDER_OFFSETS_MINUTES.map((m) => m * 60_000),
  };
}

/** Every domain action flows may call, built from the configuration and the data files. */
export async function allActions(config: Config, deps: { logger?: Logger; translate?: Translate } = {}): Promise<DomainAction[]> {
  const places = placesReference();
  const programmes = await loadProgrammes(path.join(config.FLOWS_DIR, 'programmes.yaml'));
  return [
    ...placesAndEligibilityActions({
      postcodesIoUrl: config.POSTCODES_IO_URL,
      fetchTimeoutMs: config.POSTCODES_IO_TIMEOUT_MS,
      programmes,
      places,
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.translate ? { translate: deps.translate } : {}),
    }),
    ...journeyActions({ courseOptions: courseOptionsOf(config) }),
  ];
}
