import { z } from 'zod';
import { localeFiles, type FlowFiles } from '../flows/flowFiles.ts';
import { buildCatalogue } from './catalogue.ts';
import type { DataName } from './dataNameTexts.ts';

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
  /** Strings of the language's catalogue (plural keys counted per category it needs). */
  total: number;
  /** Strings this language lacks (it falls back to English for them). */
  missing: number;
  machine: number;
  needsReview: number;
  reviewed: number;
}

/**
 * Per language (English first): how many strings it has (the catalogue: English keys, each
 * plural key once per category the language needs, its Web Chat strings, and the data names when
 * given) and how far
 * each can be trusted. `missing`: strings it has no text for (residents see the English).
 */
export function statusCounts(files: FlowFiles, names: readonly DataName[] = []): LanguageCounts[] {
  const langs = [...localeFiles(files).keys()].sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
  const out: LanguageCounts[] = [];
  for (const lang of langs) out.push(languageCounts(files, lang, names));
  return out;
}

/** The keys of a language's catalogue it has no text for (what `missing` counts). */
export function missingKeys(files: FlowFiles, lang: string, names: readonly DataName[] = []): string[] {
  return buildCatalogue(files, lang, names).filter((e) => e.target === undefined).map((e) => e.key);
}

/** The counts as a table for the command line (`flows check`, `translations status`). */
export function countsTable(counts: readonly LanguageCounts[]): string[] {
  const head = ['language', 'strings', 'reviewed', 'needs-review', 'machine', 'missing'];
  const rows = counts.map((c) => [c.lang, c.total, c.reviewed, c.needsReview, c.machine, c.missing].map(String));
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(width[i]!) : x.padStart(width[i]!))).join('  ');
  return [line(head), ...rows.map(line)];
}

/** One language's counts (its catalogue, with the data names when given); a bad status file throws (StatusFileError). */
export function languageCounts(files: FlowFiles, lang: string, names: readonly DataName[] = []): LanguageCounts {
  const c: LanguageCounts = { lang, total: 0, missing: 0, machine: 0, needsReview: 0, reviewed: 0 };
  for (const e of buildCatalogue(files, lang, names)) {
    c.total++;
    if (e.target === undefined) c.missing++;
    else if (lang === 'en' || e.status === 'reviewed') c.reviewed++;
    else if (e.status === 'machine') c.machine++;
    else c.needsReview++;
  }
  return c;
}

/**
 * Languages every string of which a fluent speaker has reviewed (English always), counting the
 * data names when given (so it agrees with `translations status`). Never throws for a language:
 * one whose `_status.json` cannot be read (not JSON, not a status file) is not reviewed, since
 * the engine asks this at the start of a turn (LANGUAGES_LIVE=reviewed); the checker refuses
 * such a file before it can be published.
 */
export function reviewedLanguages(files: FlowFiles, names: readonly DataName[] = []): string[] {
  const langs = [...localeFiles(files).keys()].sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
  return langs.filter((lang) => {
    if (lang === 'en') return true;
    try {
      const c = languageCounts(files, lang, names);
      return c.missing === 0 && c.reviewed === c.total;
    } catch {
      return false;
    }
  });
}

/** Problems of the set's status files: the file and what is wrong with it (the checker refuses a set with one). */
export function statusFileProblems(files: FlowFiles): Array<{ file: string; message: string }> {
  const out: Array<{ file: string; message: string }> = [];
  for (const p of Object.keys(files).sort()) {
    const m = /^locales\/([^/]+)\/_status\.json$/.exec(p);
    if (!m) continue;
    try {
      readStatusFile(files, m[1]!);
    } catch (err) {
      out.push({ file: p, message: (err as Error).message.replace(`${p}: `, '') });
    }
  }
  return out;
}
