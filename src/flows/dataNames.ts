import type { Resources } from '../i18n.ts';
import { readDataNameTexts, type DataName } from './dataNameTexts.ts';

type Names = Record<string, Record<string, Record<string, string>>>;

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
/**
 * The resident-facing names in flows/courses.yaml, programmes.yaml and partners.yaml, per
 * language, as i18n resources under `names.<kind>.<slug of the English name>` (from the same walk
 * over the data files as the translators' catalogue, `readDataNameTexts`). English is the key; it
 * is written for English too only for a partner, whose resident name differs from the official
 * name the database keeps.
 */
export function dataNamesOf(texts: readonly DataName[]): Names {
  const out: Names = {};
  for (const n of texts) {
    const [, kind, slug] = n.key.split('.') as [string, string, string];
    for (const [lng, text] of Object.entries(n.fromData)) ((out[lng] ??= {})[kind] ??= {})[slug] = text;
    if (kind === 'partner') ((out.en ??= {})[kind] ??= {})[slug] = n.english;
  }
  return out;
}

export async function readDataNames(flowsDir: string): Promise<Names> {
  return dataNamesOf(await readDataNameTexts(flowsDir));
}

/**
 * The locale resources with the data names added as `names.*` (a language with no wording files
 * is skipped). A name in the wording files (`locales/<lang>/names.json`, which translators export
 * and import) wins over the same name in the data files' `{ en, ur, … }` maps.
 */
export function withDataNames(resources: Resources, names: Names): Resources {
  const out: Resources = { ...resources };
  for (const [lng, kinds] of Object.entries(names)) {
    if (!out[lng]) continue;
    const own = (isRecord(out[lng].names) ? out[lng].names : {}) as Record<string, unknown>;
    const merged: Record<string, unknown> = {};
    for (const kind of new Set([...Object.keys(kinds), ...Object.keys(own)])) {
      merged[kind] = { ...kinds[kind], ...(isRecord(own[kind]) ? own[kind] : {}) };
    }
    out[lng] = { ...out[lng], names: merged };
  }
  return out;
}
