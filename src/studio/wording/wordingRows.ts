import { gradeOf } from '../../flows/checkReadability.ts';
import { readStatusFile, statusCounts, type LanguageCounts, type StatusFile, type TranslationStatus } from '../../translations/status.ts';
import type { FlowFiles } from '../ports.ts';
import { keyUsage, type KeyUse } from './keyUsage.ts';
import { localeTexts, type Wording } from './localeTexts.ts';
import { readabilitySettings } from './readabilitySettings.ts';
import { wordingId } from './wordingHistory.ts';
import { compareLanguages } from '../../languages.ts';

/** What a translator should look at in one cell; none means the text is fine. */
export type CellFlag = 'missing' | 'outdated' | 'placeholders';

export interface WordingCell {
  lang: string;
  value: Wording | undefined;
  flags: CellFlag[];
  /** A translation's status (`locales/<lang>/_status.json`; absent means needs-review); none for English or a missing text. */
  status?: TranslationStatus;
}

export interface WordingRow {
  namespace: string;
  key: string;
  used: KeyUse[];
  /** Whether the value is a list (one item per line when edited). */
  list: boolean;
  /** The English text's reading grade; absent for lists, unscored keys and very short texts. */
  readability?: { grade: number; words: number; flagged: boolean };
  /** One per language, English first. */
  cells: WordingCell[];
}

export interface WordingTable {
  languages: string[];
  namespaces: string[];
  rows: WordingRow[];
  maxGrade: number;
  /** Locale files the page cannot show (broken JSON in the draft). */
  broken: Array<{ path: string; reason: string }>;
  /** Per language: strings, reviewed, needs review, machine, missing (the data names are counted by `translations status`). */
  counts: LanguageCounts[];
}

/** A language's status file in the draft; a broken one shows every text as needs review (the checker reports it). */
function statusesOf(files: FlowFiles, lang: string): StatusFile {
  try {
    return readStatusFile(files, lang);
  } catch {
    return {};
  }
}

/** The `{{name}}` placeholders of a text, sorted and unique. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!))].sort();
}

const empty = (v: Wording | undefined) => v === undefined || (typeof v === 'string' ? v.trim() === '' : v.length === 0);

/**
 * Every text key of a file set in rows, one cell per language: which flow steps use it, the
 * English reading grade, and each translation's flags. `against` says, per `lang\0key`, which
 * English (as JSON) the translation was written against (wordingHistory's writtenAgainst); a
 * translation it does not name is not marked out of date.
 */
export function wordingRows(files: FlowFiles, against: ReadonlyMap<string, string | null>): WordingTable {
  const { files: texts, broken } = localeTexts(files);
  const languages = [...new Set(texts.map((t) => t.lang))].sort(compareLanguages);
  const namespaces = [...new Set(texts.map((t) => t.namespace))].sort();
  const usage = keyUsage(files);
  const settings = readabilitySettings(files);
  const statuses = new Map(languages.map((l) => [l, l === 'en' ? {} : statusesOf(files, l)]));
  const rows: WordingRow[] = [];
  for (const namespace of namespaces) {
    const byLang = new Map(texts.filter((t) => t.namespace === namespace).map((t) => [t.lang, t.texts]));
    // English order first, then keys only a translation has.
    const keys = [...new Set([...(byLang.get('en')?.keys() ?? []), ...languages.flatMap((l) => [...(byLang.get(l)?.keys() ?? [])])])];
    for (const key of keys) {
      const english = byLang.get('en')?.get(key);
      const cells = languages.map((lang): WordingCell => {
        const value = byLang.get(lang)?.get(key);
        const flags: CellFlag[] = [];
        if (empty(value)) flags.push('missing');
        else if (lang !== 'en' && english !== undefined) {
          const basis = against.get(wordingId(lang, key));
          if (basis !== undefined && basis !== JSON.stringify(english)) flags.push('outdated');
          if (typeof english === 'string' && typeof value === 'string' && placeholdersOf(english).join('\0') !== placeholdersOf(value).join('\0')) flags.push('placeholders');
        }
        const status = lang === 'en' || empty(value) ? undefined : (statuses.get(lang)![key] ?? 'needs-review');
        return { lang, value, flags, ...(status ? { status } : {}) };
      });
      const row: WordingRow = { namespace, key, used: usage.get(key) ?? [], list: Array.isArray(english ?? cells.find((c) => c.value !== undefined)?.value), cells };
      if (typeof english === 'string' && !settings.allowed.has(key)) {
        const g = gradeOf(english, settings.names);
        if (g.words > 0) row.readability = { ...g, flagged: g.words >= settings.minWords && g.grade > settings.maxGrade };
      }
      rows.push(row);
    }
  }
  let counts: LanguageCounts[] = [];
  try {
    counts = statusCounts(files);
  } catch {
    // A broken status file: the page says which texts it cannot show; no counts then.
  }
  return { languages, namespaces, rows, maxGrade: settings.maxGrade, broken, counts };
}

export interface WordingFilter {
  namespace?: string | undefined;
  flow?: string | undefined;
  status: 'missing' | 'outdated' | 'review' | 'all';
  q?: string | undefined;
}

/** The rows a filter keeps: by namespace, by the flow using them, by a translation's flag, by text. */
export function filterRows(rows: readonly WordingRow[], f: WordingFilter): WordingRow[] {
  const q = f.q?.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!f.namespace || r.namespace === f.namespace) &&
      (!f.flow || r.used.some((u) => u.flowId === f.flow)) &&
      (f.status === 'all' ||
        r.cells.some((c) =>
          f.status === 'missing' ? c.flags.includes('missing') : f.status === 'review' ? c.status === 'needs-review' || c.status === 'machine' : c.flags.includes('outdated') || c.flags.includes('placeholders'),
        )) &&
      (!q || r.key.toLowerCase().includes(q) || r.cells.some((c) => c.value !== undefined && [c.value].flat().some((t) => t.toLowerCase().includes(q)))),
  );
}
