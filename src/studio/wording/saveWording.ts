import type { FlowFiles } from '../ports.ts';
import { localeTexts, parseLocaleObject, sameWording, type Wording } from './localeTexts.ts';
import { setLocaleTexts } from './setLocaleTexts.ts';
import { readStatusFile, statusFileText, statusPath, type StatusFile, type TranslationStatus } from '../../translations/status.ts';
import { FIELD, reviewedField, shownHash, shownStatusField } from './wordingFields.ts';

/** One text of the wording form: its language, file (namespace) and key. */
export interface TextRef {
  lang: string;
  namespace: string;
  key: string;
}

/** Why nothing of a wording form can be saved (the page says it in words: wordingNotice). */
export type WordingProblem = { type: 'unknownText' } | { type: 'brokenFile' } | { type: 'emptyText'; text: TextRef };

/**
 * What a wording form post does to the draft: the new texts of the files it changed and the
 * texts someone else changed meanwhile (left as they are now), or why nothing can be saved.
 */
export type WordingEdit = { ok: true; files: FlowFiles; keys: number; conflicts: TextRef[] } | { ok: false; problem: WordingProblem };

/** A textarea's text as a value: lists one item per line (blank lines dropped), texts with `\n` line ends. */
function valueOf(posted: string, list: boolean): Wording {
  const text = posted.replace(/\r\n?/g, '\n');
  return list ? text.split('\n').map((l) => l.trim()).filter(Boolean) : text;
}

/**
 * Applies the texts of a wording form (`t:<lang>:<namespace>:<key>` → text) to the draft's locale
 * files. Only values that differ are written; a new translation goes into its language's file
 * where the English file has the key. Fields must name a language, file and key the draft has.
 *
 * Texts are merged one by one, so a save by someone else meanwhile loses nobody's typing: a text
 * the form did not change (its box still holds what `h:…` says it showed) is left as the draft has
 * it now; a text the form changed is written unless someone else changed that same text since
 * the page was shown (a conflict, listed; the draft's text stays). `stale`: the form names an
 * older revision than the draft's.
 */
export function saveWording(draft: FlowFiles, fields: Record<string, string>, o: { stale: boolean }): WordingEdit {
  const { files: texts } = localeTexts(draft);
  const languages = new Set(texts.map((t) => t.lang));
  const byPath = new Map(texts.map((t) => [t.path, t]));
  const changes = new Map<string, Array<{ key: string; value: Wording }>>();
  const conflicts: TextRef[] = [];
  // Translation status per language (issue 14): a text saved with "reviewed" ticked is reviewed;
  // a text changed without the tick needs review; untick a reviewed text and it needs review again.
  const statusChanges = new Map<string, Map<string, TranslationStatus>>();
  const statusFiles = new Map<string, StatusFile>();
  const statusOf = (lang: string): StatusFile | undefined => {
    if (!statusFiles.has(lang)) {
      try {
        statusFiles.set(lang, readStatusFile(draft, lang));
      } catch {
        return undefined;
      }
    }
    return statusFiles.get(lang);
  };
  const setStatus = (lang: string, key: string, status: TranslationStatus) => {
    const now = statusOf(lang);
    if (now && (now[key] ?? 'needs-review') === status) return;
    statusChanges.set(lang, (statusChanges.get(lang) ?? new Map<string, TranslationStatus>()).set(key, status));
  };
  for (const [name, posted] of Object.entries(fields)) {
    const m = FIELD.exec(name);
    if (!m) continue;
    const lang = m[1]!;
    const namespace = m[2]!;
    const key = m[3]!;
    const path = `locales/${lang}/${namespace}.json`;
    const english = byPath.get(`locales/en/${namespace}.json`)?.texts.get(key);
    const known = texts.some((t) => t.namespace === namespace && t.texts.has(key));
    if (!languages.has(lang) || !known) return { ok: false, problem: { type: 'unknownText' } };
    if (draft[path] !== undefined && !byPath.has(path)) return { ok: false, problem: { type: 'brokenFile' } };
    const current = byPath.get(path)?.texts.get(key);
    const value = valueOf(posted, Array.isArray(current ?? english));
    const ticked = fields[reviewedField(lang, namespace, key)] === '1';
    if (sameWording(current, value)) {
      // The text as it is: only the review tick may have changed (a box the page showed: rs:…).
      const shownStatus = fields[shownStatusField(lang, namespace, key)];
      if (lang !== 'en' && current !== undefined && shownStatus !== undefined) {
        if (ticked && shownStatus !== 'reviewed') setStatus(lang, key, 'reviewed');
        if (!ticked && shownStatus === 'reviewed') setStatus(lang, key, 'needs-review');
      }
      continue;
    }
    const shown = fields[`h${name.slice(1)}`];
    // A form without what its boxes showed (not one of our pages) only saves on the revision it names.
    if (shown === undefined && o.stale) {
      conflicts.push({ lang, namespace, key });
      continue;
    }
    if (shown !== undefined) {
      if (shownHash(value) === shown) continue;
      if (shownHash(current) !== shown) {
        conflicts.push({ lang, namespace, key });
        continue;
      }
    }
    if (value === '' || (Array.isArray(value) && value.length === 0 && current === undefined)) {
      if (current === undefined) continue;
      if (!Array.isArray(value)) return { ok: false, problem: { type: 'emptyText', text: { lang, namespace, key } } };
    }
    changes.set(path, [...(changes.get(path) ?? []), { key, value }]);
    if (lang !== 'en') setStatus(lang, key, ticked ? 'reviewed' : 'needs-review');
  }
  const out: FlowFiles = {};
  let keys = 0;
  const textKeys = new Set([...changes].flatMap(([path, list]) => list.map((c) => `${path.split('/')[1]}\0${c.key}`)));
  for (const [path, list] of changes) {
    const original = draft[path] ?? '';
    const parsed = original === '' ? { ok: true as const, tree: {} } : parseLocaleObject(original);
    if (!parsed.ok) return { ok: false, problem: { type: 'brokenFile' } };
    const ns = path.slice(path.lastIndexOf('/') + 1);
    const en = parseLocaleObject(draft[`locales/en/${ns}`] ?? '');
    out[path] = setLocaleTexts(original, parsed.tree, list, en.ok ? en.tree : undefined);
    keys += list.length;
  }
  let statuses = 0;
  for (const [lang, set] of statusChanges) {
    const file = statusOf(lang);
    if (!file) return { ok: false, problem: { type: 'brokenFile' } };
    out[statusPath(lang)] = statusFileText({ ...file, ...Object.fromEntries(set) });
    // A text whose wording also changed is counted once.
    statuses += [...set.keys()].filter((k) => !textKeys.has(`${lang}\0${k}`)).length;
  }
  return { ok: true, files: out, keys: keys + statuses, conflicts };
}
