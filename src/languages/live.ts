import type { FlowFiles } from '../flows/flowFiles.ts';
import { LANGUAGES, LANGUAGE_CODES } from '../languages.ts';
import type { DataName } from '../translations/dataNameTexts.ts';
import { reviewedLanguages } from '../translations/status.ts';

/**
 * LANGUAGES_LIVE: which languages residents are offered. `all` (development and test), `reviewed`
 * (production: languages every string of which a fluent speaker has reviewed, read from the live
 * release's `_status.json` files, the data names included: as `translations status` counts), or a
 * list of codes. English is always live.
 */
export type LiveLanguagesSetting = 'all' | 'reviewed' | readonly string[];

const cache = new WeakMap<FlowFiles, Map<string, readonly string[]>>();
const dataNames = new WeakMap<FlowFiles, readonly DataName[]>();

/**
 * The data names (names.* of courses, venues, partners, jobs) that go with a set's files, so
 * that `reviewed` counts them as `translations status` does. The loader notes them when it
 * checks a set (loadFlowSetFromFiles); a set never noted counts its wording files only.
 */
export function noteDataNames(files: FlowFiles, names: readonly DataName[]): void {
  dataNames.set(files, names);
  cache.delete(files);
}

/**
 * The live languages of a release, in the registry's order: those the setting allows that the
 * release has wording for. A conversation already in a language taken off keeps it (the engine
 * never changes a conversation's language itself); only offers, detection and naming use this list.
 */
export function liveLanguages(setting: LiveLanguagesSetting, files: FlowFiles, available: readonly string[]): readonly string[] {
  const memoKey = `${typeof setting === 'string' ? setting : setting.join(',')}|${available.join(',')}`;
  let byKey = cache.get(files);
  if (!byKey) cache.set(files, (byKey = new Map()));
  const hit = byKey.get(memoKey);
  if (hit) return hit;
  const allowed = setting === 'all' ? LANGUAGE_CODES : setting === 'reviewed' ? reviewedOrEnglish(files) : setting;
  const out = Object.freeze(LANGUAGES.map((l) => l.code).filter((c) => available.includes(c) && (c === 'en' || allowed.includes(c))));
  byKey.set(memoKey, out);
  return out;
}

/**
 * The reviewed languages, never throwing: this runs at the start of a turn. A language whose
 * `_status.json` cannot be read is not reviewed (reviewedLanguages); anything else going wrong
 * leaves English only rather than stopping every conversation.
 */
function reviewedOrEnglish(files: FlowFiles): readonly string[] {
  try {
    return reviewedLanguages(files, dataNames.get(files) ?? []);
  } catch {
    return ['en'];
  }
}

/** Parses LANGUAGES_LIVE's value; a message naming the unknown code(s) otherwise. */
export function parseLiveLanguages(raw: string): { ok: true; value: LiveLanguagesSetting } | { ok: false; message: string } {
  const v = raw.trim().toLowerCase();
  if (v === 'all' || v === 'reviewed') return { ok: true, value: v };
  const codes = v.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = codes.filter((c) => !LANGUAGE_CODES.includes(c));
  if (codes.length === 0 || unknown.length) {
    return {
      ok: false,
      message: `all, reviewed, or a comma-separated list of language codes from ${LANGUAGE_CODES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
    };
  }
  return { ok: true, value: Object.freeze([...new Set(['en', ...codes])]) };
}
