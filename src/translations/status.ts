import { z } from 'zod';
import { flatKeys, resourcesFromTexts } from '../i18n.ts';
import { localeFiles, type FlowFiles } from '../flows/flowFiles.ts';

/**
 * How far a translated string can be trusted (issue 14):
 * - `machine`: produced by a machine translation service, never read by a person;
 * - `needs-review`: written by someone who cannot vouch for it (an engineer, a first draft), or
 *   changed since it was reviewed;
 * - `reviewed`: checked by a fluent speaker.
 * English is the source language: its strings are reviewed by definition.
 */
export const TRANSLATION_STATUSES = ['machine', 'needs-review', 'reviewed'] as const;
export type TranslationStatus = (typeof TRANSLATION_STATUSES)[number];

/** The path of a language's status file inside a FlowFiles set. */
export const statusPath = (lang: string) => `locales/${lang}/_status.json`;

/**
 * `locales/<lang>/_status.json`: one entry per flat wording key (`consent.question`; a list of
 * synonyms is one key), sorted by key. A key with no entry is `needs-review`.
 */
export const statusFileSchema = z.record(z.string().min(1), z.enum(TRANSLATION_STATUSES));
export type StatusFile = z.infer<typeof statusFileSchema>;

export class StatusFileError extends Error {
  readonly code = 'translation_status_invalid';
}

/** A language's status file from a FlowFiles set (empty when there is none); a bad file throws with its path. */
export function readStatusFile(files: FlowFiles, lang: string): StatusFile {
  const text = files[statusPath(lang)];
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StatusFileError(`${statusPath(lang)}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = statusFileSchema.safeParse(json);
  if (!parsed.success) throw new StatusFileError(`${statusPath(lang)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The status file's text: keys sorted, two-space indent, final newline (so a round trip is byte-identical). */
export function statusFileText(status: StatusFile): string {
  const sorted = Object.fromEntries(Object.keys(status).sort().map((k) => [k, status[k]!]));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

export interface LanguageCounts {
  lang: string;
  /** Wording keys English has. */
  total: number;
  /** English keys this language lacks (it falls back to English for them). */
  missing: number;
  machine: number;
  needsReview: number;
  reviewed: number;
}

/** Per language: how many strings it has and how far each can be trusted (English first). */
export function statusCounts(files: FlowFiles): LanguageCounts[] {
  const resources = resourcesFromTexts(localeFiles(files));
  const english = flatKeys(resources.en ?? {});
  const out: LanguageCounts[] = [];
  for (const lang of Object.keys(resources).sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)))) {
    const keys = flatKeys(resources[lang]!);
    const status = lang === 'en' ? {} : readStatusFile(files, lang);
    const c: LanguageCounts = { lang, total: english.size, missing: 0, machine: 0, needsReview: 0, reviewed: 0 };
    for (const k of english) {
      if (!keys.has(k)) c.missing++;
      else if (lang === 'en') c.reviewed++;
      else if (status[k] === 'reviewed') c.reviewed++;
      else if (status[k] === 'machine') c.machine++;
      else c.needsReview++;
    }
    out.push(c);
  }
  return out;
}

/** Languages every string of which a fluent speaker has reviewed (English always). */
export function reviewedLanguages(files: FlowFiles): string[] {
  return statusCounts(files)
    .filter((c) => c.lang === 'en' || (c.missing === 0 && c.reviewed === c.total))
    .map((c) => c.lang);
}
