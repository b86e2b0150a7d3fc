import type { FlowFiles, Releases } from '../ports.ts';
import { localeTexts } from './localeTexts.ts';

/** Every text of a file set by `lang\0key`, its value as JSON (so lists compare whole). */
export type FlatWording = Map<string, string>;

export const wordingId = (lang: string, key: string): string => `${lang}\u0000${key}`;

export function flatWording(files: FlowFiles): FlatWording {
  const out: FlatWording = new Map();
  for (const f of localeTexts(files).files) for (const [key, v] of f.texts) out.set(wordingId(f.lang, key), JSON.stringify(v));
  return out;
}

/**
 * For each `lang\0key`, the index (in `versions`, oldest first) of the newest version where its
 * value changed: was added, removed or edited.
 */
export function lastChanges(versions: readonly FlatWording[]): Map<string, number> {
  const out = new Map<string, number>();
  versions.forEach((v, i) => {
    const prev = versions[i - 1];
    for (const [id, value] of v) if (!prev || prev.get(id) !== value) out.set(id, i);
    if (prev) for (const id of prev.keys()) if (!v.has(id)) out.set(id, i);
  });
  return out;
}

/**
 * For each translation (`lang\0key`, not English) of the newest version, the English text (as
 * JSON, null when there was none) of the version in which the translation last changed: the
 * English it was written against, as far as versions tell. A translation is out of date when the
 * English now differs from that text, by content: an English change that was reverted leaves it
 * up to date. Versions are releases and the draft, not each save, so a translation changed in
 * the same version as its English counts as written against the new English.
 */
export function writtenAgainst(versions: readonly FlatWording[]): Map<string, string | null> {
  const changed = lastChanges(versions);
  const newest = versions.at(-1);
  const out = new Map<string, string | null>();
  for (const id of newest?.keys() ?? []) {
    const [lang, key] = id.split('\u0000');
    if (lang === 'en' || key === undefined) continue;
    const at = versions[changed.get(id) ?? 0];
    out.set(id, at?.get(wordingId('en', key)) ?? null);
  }
  return out;
}

/** How many releases back the "out of date" comparison reads (older changes count as the oldest read). */
export const HISTORY_DEPTH = 50;

/**
 * Reads the release history (newest HISTORY_DEPTH) with the draft as the newest version, and
 * answers which English each translation was written against (writtenAgainst). Releases never
 * change, so their texts are kept by id.
 */
export function wordingHistory(releases: Releases): (draft: FlowFiles) => Promise<Map<string, string | null>> {
  const cache = new Map<number, FlatWording>();
  return async (draft) => {
    const list = (await releases.list(HISTORY_DEPTH)).map((r) => r.id).sort((a, b) => a - b);
    const versions: FlatWording[] = [];
    for (const id of list) {
      let flat = cache.get(id);
      if (!flat) {
        const r = await releases.get(id);
        if (!r) continue;
        flat = flatWording(r.files);
        cache.set(id, flat);
      }
      versions.push(flat);
    }
    versions.push(flatWording(draft));
    return writtenAgainst(versions);
  };
}
