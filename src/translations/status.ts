import { localeFiles, type FlowFiles } from '../flows/flowFiles.ts';
import { buildCatalogue } from './catalogue.ts';
import type { DataName } from './dataNameTexts.ts';
import { compareLanguages } from '../languages.ts';

// The status file itself is the flows room's (the checker refuses a broken one); re-exported here.
export {
  TRANSLATION_STATUSES,
  statusPath,
  statusFileSchema,
  StatusFileError,
  readStatusFile,
  statusFileText,
  statusFileProblems,
  type TranslationStatus,
  type StatusFile,
} from '../flows/translationStatus.ts';

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
  const langs = [...localeFiles(files).keys()].sort(compareLanguages);
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
  const langs = [...localeFiles(files).keys()].sort(compareLanguages);
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
