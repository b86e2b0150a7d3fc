import path from 'node:path';
import type { Logger } from 'pino';
import { publicUrl, type Config } from '../config.ts';
import { createTranslator, loadLocales, type Translator } from '../i18n.ts';
import type { DomainAction } from '../engine/actions.ts';
import type { CourseOptions } from './courses/courseOptions.ts';
import type { Translate } from './eligibility/explainDecision.ts';
import { loadProgrammes } from './eligibility/loadProgrammes.ts';
import { placesAndEligibilityActions } from './eligibility/placesAndEligibilityActions.ts';
import { journeyActions } from './journey/journeyActions.ts';
import { attendanceActions } from './outcomes/attendanceActions.ts';
import { privacyActions } from './privacy/privacyActions.ts';
import { placesReference } from './places/placesReference.ts';
import { sharingActions } from './privacy/sharing.ts';
import { noticesFromTranslator, type Notices } from './shared/notices.ts';

export function courseOptionsOf(config: Config): CourseOptions {
  return {
    seatOfferTtlMs: config.SEAT_OFFER_TTL_MINUTES * 60_000,
    reminderOffsetsMs: config.COURSE_REMINDER_OFFSETS_MINUTES.map((m) => m * 60_000),
  };
}

/**
 * Every domain action flows may call, built from the configuration and the data files.
 * `notices` words summaries and labels in the resident's language; the app passes the one
 * that follows the live flow set. Without it (flow tests, CLI) the wording is read once from
 * LOCALES_DIR, so residents still get their language, with English for any other.
 */
export async function allActions(
  config: Config,
  deps: { logger?: Logger; translate?: Translate; notices?: Notices } = {},
): Promise<DomainAction[]> {
  const places = placesReference();
  const programmes = await loadProgrammes(path.join(config.FLOWS_DIR, 'programmes.yaml'));
  const notices = deps.notices ?? noticesFromTranslator(await createTranslator(await loadLocales(config.LOCALES_DIR)));
  return [
    ...placesAndEligibilityActions({
      postcodesIoUrl: config.POSTCODES_IO_URL,
      fetchTimeoutMs: config.POSTCODES_IO_TIMEOUT_MS,
      programmes,
      places,
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.translate ? { translate: deps.translate } : {}),
    }),
    ...journeyActions({ courseOptions: courseOptionsOf(config), notices }),
    ...attendanceActions(),
    ...sharingActions({ notices }),
    ...privacyActions({ publicUrl: publicUrl(config), linkMinutes: config.EXPORT_LINK_MINUTES }),
  ];
}

/**
 * Every action, wording its results (eligibility reasons, course and job labels, summaries) with
 * `translator`: the live flow set's for residents, the draft's for the studio's preview.
 */
export async function actionsWordedBy(config: Config, translator: () => Translator, logger?: Logger): Promise<DomainAction[]> {
  return allActions(config, {
    ...(logger ? { logger } : {}),
    translate: (key, params, locale) => String(translator().t(locale)(key, params)),
    notices: noticesFromTranslator(translator),
  });
}
