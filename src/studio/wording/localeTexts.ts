import { localeFiles, type FlowFiles } from '../../flows/flowFiles.ts';

/** A wording value: a text, or a list (synonyms and phrases: what residents type). */
export type Wording = string | string[];

/** One language's texts in one locale file, in the file's key order (`journey.family.medical` → text). */
export interface LocaleFileTexts {
  lang: string;
  /** The file's name without `.json`: core, journey, … */
  namespace: string;
  path: string;
  texts: Map<string, Wording>;
}

function flatten(tree: Record<string, unknown>, prefix: string, out: Map<string, Wording>): void {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) out.set(key, v.map(String));
    else if (v && typeof v === 'object') flatten(v as Record<string, unknown>, key, out);
    else if (v !== null && v !== undefined) out.set(key, String(v));
  }
}

/** A locale file's JSON object, or why it cannot be read (a draft may hold a broken file). */
export function parseLocaleObject(text: string): { ok: true; tree: Record<string, unknown> } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not valid JSON (${(err as Error).message})` };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { ok: false, reason: 'not a JSON object' };
  // JSON.parse gives a plain object here: keys are strings and values JSON (checked just above).
  return { ok: true, tree: json as Record<string, unknown> };
}

/** Every locale file of a set, flattened; files that cannot be read are listed apart with the reason. */
export function localeTexts(files: FlowFiles): { files: LocaleFileTexts[]; broken: Array<{ path: string; reason: string }> } {
  const out: LocaleFileTexts[] = [];
  const broken: Array<{ path: string; reason: string }> = [];
  for (const [lang, list] of localeFiles(files)) {
    for (const [path, text] of list) {
      const parsed = parseLocaleObject(text);
      if (!parsed.ok) {
        broken.push({ path, reason: parsed.reason });
        continue;
      }
      const texts = new Map<string, Wording>();
      flatten(parsed.tree, '', texts);
      out.push({ lang, namespace: path.slice(path.lastIndexOf('/') + 1, -'.json'.length), path, texts });
    }
  }
  return { files: out, broken };
}

/** Same value: both texts equal, or both lists with the same items in the same order. */
export function sameWording(a: Wording | undefined, b: Wording | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
