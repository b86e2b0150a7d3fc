import type { FlowFiles } from '../flows/flowFiles.ts';
import { buildCatalogue, parseWordingFile, type CatalogueEntry, type Wording } from './catalogue.ts';
import type { DataName } from './dataNameTexts.ts';
import { cellText } from './exportTranslations.ts';
import type { ImportProblem, ParsedImport } from './parseImport.ts';
import { linkProblems } from './links.ts';
import { placeholderProblem } from './placeholders.ts';
import { pluralCategories, splitPlural } from './plurals.ts';
import { readStatusFile, statusFileText, statusPath, TRANSLATION_STATUSES, type TranslationStatus } from './status.ts';

export interface ImportPlan {
  /** Every reason not to apply the file; nothing is applied when there is one. */
  problems: ImportProblem[];
  /** Worth saying, not blocking (a stale English on a row the translator did not change). */
  warnings: ImportProblem[];
  /** The files to write (FlowFiles paths → new text): only those whose content changes. */
  files: FlowFiles;
  added: number;
  changed: number;
  statuses: number;
  unchanged: number;
}

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => !!v && typeof v === 'object' && !Array.isArray(v);
const same = (a: Wording | undefined, b: Wording | undefined) => JSON.stringify(a) === JSON.stringify(b);
const isStatus = (s: string): s is TranslationStatus => (TRANSLATION_STATUSES as readonly string[]).includes(s);

/** `obj` with `key` set: in place when it is there, else before the first sibling that comes after it in `rank`. */
function put(obj: Tree, key: string, value: unknown, rank: (k: string) => number): Tree {
  if (Object.hasOwn(obj, key)) {
    obj[key] = value;
    return obj;
  }
  const entries = Object.entries(obj);
  const mine = rank(key);
  const at = entries.findIndex(([k]) => rank(k) > mine);
  entries.splice(at < 0 ? entries.length : at, 0, [key, value]);
  return Object.fromEntries(entries);
}

function setIn(tree: Tree, path: readonly string[], value: Wording, prefix: string, rank: (k: string) => number): Tree {
  const [head, ...rest] = path;
  const full = `${prefix}${head}`;
  if (rest.length === 0) return put(tree, head!, value, (k) => rank(`${prefix}${k}`));
  const child = tree[head!];
  return put(tree, head!, setIn(isTree(child) ? child : {}, rest, value, `${full}.`, rank), (k) => rank(`${prefix}${k}`));
}

/** A cell's text as the value: a list one item per line (an empty item is a problem), a text as written. */
function valueOf(e: CatalogueEntry, text: string): { value: Wording; emptyItems: number[] } {
  if (!e.list) return { value: text, emptyItems: [] };
  const items = text.trim().split('\n').map((l) => l.trim());
  return { value: items, emptyItems: items.flatMap((x, i) => (x === '' ? [i + 1] : [])) };
}

/**
 * Checks a translator's file against today's catalogue of `lang` and works out what it changes.
 * Every problem is listed with its line; `files` holds the wording files and `_status.json` that
 * change (keys kept in their order, new keys in English order, `JSON.stringify(x, null, 2)` and a
 * final newline), so an unchanged export imports to no change at all.
 *
 * Decisions (docs/translations.md): an empty translation leaves a string untranslated (it is a
 * problem only where the language has a text: an import does not delete); no status means
 * `needs-review`; the status given is taken as it is, also `reviewed` on a changed text (the
 * translator is the reviewer); a row whose English is not today's is a problem when it would change
 * something (the translator worked on an old English: export again), else a warning.
 */
export function planImport(files: FlowFiles, lang: string, names: readonly DataName[], parsed: ParsedImport): ImportPlan {
  const problems: ImportProblem[] = [...parsed.problems];
  const warnings: ImportProblem[] = [];
  const plan: ImportPlan = { problems, warnings, files: {}, added: 0, changed: 0, statuses: 0, unchanged: 0 };
  if (parsed.targetLanguage && parsed.targetLanguage.lang !== lang) {
    problems.push({ line: parsed.targetLanguage.line, message: `this file is for language "${parsed.targetLanguage.lang}" (trgLang), not "${lang}": import it with --lang ${parsed.targetLanguage.lang || '<language>'}` });
    return plan;
  }
  // A CSV row's notes name the language it was exported for: another language's file is refused once, not row by row.
  const foreign = parsed.rows.find((r) => r.lang !== undefined && r.lang !== lang);
  if (foreign) problems.push({ line: foreign.line, message: `this file was exported for language "${foreign.lang}" (notes column), not "${lang}": import it with --lang ${foreign.lang}` });
  if (problems.length) return plan;
  const catalogue = buildCatalogue(files, lang, names);
  const byKey = new Map(catalogue.map((e) => [e.key, e]));
  const pluralBases = new Set(catalogue.flatMap((e) => (e.plural ? [e.plural.base] : [])));
  const categories = pluralCategories(lang);
  const seen = new Map<string, number>();
  const apply: Array<{ entry: CatalogueEntry; value: Wording; status: TranslationStatus; line: number }> = [];
  for (const row of parsed.rows) {
    const at = (message: string) => problems.push({ line: row.line, key: row.key, message: `${row.key}: ${message}` });
    const first = seen.get(row.key);
    if (first !== undefined) {
      at(`the key appears twice (also on line ${first})`);
      continue;
    }
    seen.set(row.key, row.line);
    const entry = byKey.get(row.key);
    if (!entry) {
      const p = splitPlural(row.key);
      if (p && pluralBases.has(p.base)) at(`extra plural form: ${lang} has no "${p.category}" form (it needs ${categories.join(', ')})`);
      else at('unknown key: English has no such text (renamed or removed since the export?)');
      continue;
    }
    const status = row.status ?? 'needs-review';
    if (!isStatus(status)) at(`status "${status}" is not one of ${TRANSLATION_STATUSES.join(', ')}`);
    if (row.translation.trim() === '') {
      if (entry.target !== undefined) at('empty translation: the language has a text for it; an import does not delete texts (fill it in, or leave the row out)');
      continue;
    }
    const { value, emptyItems } = valueOf(entry, row.translation);
    const textChanged = !same(value, entry.target);
    const statusChanged = isStatus(status) && status !== entry.status;
    if (row.english !== undefined && row.english !== cellText(entry.source)) {
      if (textChanged || statusChanged) {
        at('the English has changed since this file was exported: translate today\'s English (export again) so nothing out of date is applied');
        continue;
      }
      warnings.push({ line: row.line, key: row.key, message: `${row.key}: the English has changed since the export; this row changes nothing, so it is skipped` });
      continue;
    }
    if (emptyItems.length) at(`list item ${emptyItems.join(', ')} is empty (one item per line, no blank lines)`);
    const ph = placeholderProblem(entry.source, value, !!entry.plural);
    if (ph) at(`placeholders differ from the English: ${ph}`);
    for (const l of linkProblems(entry.source, value)) at(`${l} (Web Chat shows links and markup to residents: keep to the English's)`);
    if (entry.maxLength !== undefined && typeof value === 'string' && [...value].length > entry.maxLength) {
      at(`a button text of ${[...value].length} characters: at most ${entry.maxLength}`);
    }
    if (!isStatus(status)) continue;
    if (!textChanged && !statusChanged) {
      plan.unchanged++;
      continue;
    }
    apply.push({ entry, value, status, line: row.line });
  }
  // Plural forms: a plural the file gives must end up with every form the language needs.
  const newKeys = new Set(apply.map((a) => a.entry.key));
  const firstLine = new Map<string, number>();
  for (const a of apply) if (a.entry.plural && !firstLine.has(a.entry.plural.base)) firstLine.set(a.entry.plural.base, a.line);
  for (const [base, line] of firstLine) {
    const lacking = catalogue.filter((e) => e.plural?.base === base && e.target === undefined && !newKeys.has(e.key)).map((e) => e.plural!.category);
    if (lacking.length) problems.push({ line, key: base, message: `${base}: plural form(s) missing: ${lacking.join(', ')} (${lang} needs ${categories.join(', ')})` });
  }
  if (problems.length) return plan;

  // English order of keys (and of every key prefix), so a new key lands where English has it.
  const order = new Map<string, number>();
  catalogue.forEach((e, i) => {
    const parts = e.key.split('.');
    for (let n = 1; n <= parts.length; n++) {
      const p = parts.slice(0, n).join('.');
      if (!order.has(p)) order.set(p, i);
    }
  });
  const rank = (k: string) => order.get(k) ?? Number.MAX_SAFE_INTEGER;
  const trees = new Map<string, Tree>();
  const status = readStatusFile(files, lang);
  const statusBefore = JSON.stringify(status);
  for (const a of apply) {
    const path = `locales/${lang}/${a.entry.file}.json`;
    if (!same(a.value, a.entry.target)) {
      if (!trees.has(path)) trees.set(path, parseWordingFile(files[path]) ?? {});
      trees.set(path, setIn(trees.get(path)!, a.entry.key.split('.'), a.value, '', rank));
      if (a.entry.target === undefined) plan.added++;
      else plan.changed++;
    }
    if (a.status !== (status[a.entry.key] ?? 'needs-review')) {
      status[a.entry.key] = a.status;
      plan.statuses++;
    }
  }
  for (const [path, tree] of trees) {
    const before = parseWordingFile(files[path]);
    if (before === undefined || JSON.stringify(before) !== JSON.stringify(tree)) plan.files[path] = `${JSON.stringify(tree, null, 2)}\n`;
  }
  if (JSON.stringify(status) !== statusBefore) plan.files[statusPath(lang)] = statusFileText(status);
  return plan;
}
