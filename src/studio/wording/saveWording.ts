import type { FlowFiles } from '../ports.ts';
import { localeTexts, parseLocaleObject, sameWording, type Wording } from './localeTexts.ts';
import { setLocaleTexts } from './setLocaleTexts.ts';
import { FIELD, languageName } from './wordingPage.ts';

/** What a wording form post does to the draft: the new texts of the files it changed, or why not. */
export type WordingEdit = { ok: true; files: FlowFiles; keys: number } | { ok: false; message: string };

/** A textarea's text as a value: lists one item per line (blank lines dropped), texts with `\n` line ends. */
function valueOf(posted: string, list: boolean): Wording {
  const text = posted.replace(/\r\n?/g, '\n');
  return list ? text.split('\n').map((l) => l.trim()).filter(Boolean) : text;
}

/**
 * Applies the texts of a wording form (`t:<lang>:<namespace>:<key>` → text) to the draft's locale
 * files. Only values that differ are written; a new translation goes into its language's file
 * where the English file has the key. Fields must name a language, file and key the draft has.
 */
export function saveWording(draft: FlowFiles, fields: Record<string, string>): WordingEdit {
  const { files: texts } = localeTexts(draft);
  const languages = new Set(texts.map((t) => t.lang));
  const byPath = new Map(texts.map((t) => [t.path, t]));
  const changes = new Map<string, Array<{ key: string; value: Wording }>>();
  for (const [name, posted] of Object.entries(fields)) {
    const m = FIELD.exec(name);
    if (!m) continue;
    const lang = m[1]!;
    const namespace = m[2]!;
    const key = m[3]!;
    const path = `locales/${lang}/${namespace}.json`;
    const english = byPath.get(`locales/en/${namespace}.json`)?.texts.get(key);
    const known = texts.some((t) => t.namespace === namespace && t.texts.has(key));
    if (!languages.has(lang) || !known) return { ok: false, message: `there is no text ${key} in ${namespace} for ${languageName(lang)}` };
    if (draft[path] !== undefined && !byPath.has(path)) return { ok: false, message: `${path} is broken: fix it in the flow editor first` };
    const current = byPath.get(path)?.texts.get(key);
    const value = valueOf(posted, Array.isArray(current ?? english));
    if (sameWording(current, value)) continue;
    if (value === '' || (Array.isArray(value) && value.length === 0 && current === undefined)) {
      if (current === undefined) continue;
      if (!Array.isArray(value)) return { ok: false, message: `${key} in ${languageName(lang)} cannot be empty (to remove a text, edit the file in the flow editor)` };
    }
    changes.set(path, [...(changes.get(path) ?? []), { key, value }]);
  }
  const out: FlowFiles = {};
  let keys = 0;
  for (const [path, list] of changes) {
    const original = draft[path] ?? '';
    const parsed = original === '' ? { ok: true as const, tree: {} } : parseLocaleObject(original);
    if (!parsed.ok) return { ok: false, message: `${path} is broken: fix it in the flow editor first` };
    const ns = path.slice(path.lastIndexOf('/') + 1);
    const en = parseLocaleObject(draft[`locales/en/${ns}`] ?? '');
    out[path] = setLocaleTexts(original, parsed.tree, list, en.ok ? en.tree : undefined);
    keys += list.length;
  }
  return { ok: true, files: out, keys };
}
