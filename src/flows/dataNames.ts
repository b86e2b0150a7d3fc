import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { nameSlug, type Resources } from '../i18n.ts';

type Names = Record<string, Record<string, Record<string, string>>>;

const slug = nameSlug;

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

/**
 * Adds one name's translations to `out[lng].names[kind]`. English is the key; it is written
 * for English too only when `withEnglish` (a partner's resident name differs from the
 * official name the database keeps).
 */
function add(out: Names, kind: string, key: unknown, name: unknown, withEnglish = false): void {
  if (typeof key !== 'string' || !isRecord(name)) return;
  const s = slug(key);
  if (!s) return;
  for (const [lng, text] of Object.entries(name)) {
    if (typeof text !== 'string' || (lng === 'en' && !withEnglish)) continue;
    ((out[lng] ??= {})[kind] ??= {})[s] = text;
  }
}

async function readYaml(file: string): Promise<Record<string, unknown>> {
  try {
    const doc: unknown = parseYaml(await readFile(file, 'utf8'));
    return isRecord(doc) ? doc : {};
  } catch {
    // A broken data file is reported by seeding (coordinatorData on /readyz); wording still loads.
    return {};
  }
}

const englishOf = (n: unknown): unknown => (isRecord(n) ? n.en : n);

/**
 * The resident-facing names in flows/courses.yaml and flows/partners.yaml, per language,
 * as i18n resources under `names.<kind>.<slug of the English name>`.
 */
export async function readDataNames(flowsDir: string): Promise<Names> {
  const out: Names = {};
  const courses = await readYaml(path.join(flowsDir, 'courses.yaml'));
  for (const c of list(courses.courses).filter(isRecord)) {
    add(out, 'course', englishOf(c.name), c.name);
    for (const s of list(c.sessions).filter(isRecord)) if (isRecord(s.venue)) add(out, 'venue', englishOf(s.venue.name), s.venue.name);
  }
  const programmes = await readYaml(path.join(flowsDir, 'programmes.yaml'));
  for (const p of list(programmes.programmes).filter(isRecord)) add(out, 'programme', englishOf(p.name), p.name);
  const partners = await readYaml(path.join(flowsDir, 'partners.yaml'));
  for (const p of list(partners.partners).filter(isRecord)) {
    add(out, 'partner', p.name, p.residentName, true);
    for (const v of list(p.vacancies).filter(isRecord)) {
      add(out, 'role', englishOf(v.role), v.role);
      if (isRecord(v.site)) add(out, 'site', englishOf(v.site.name), v.site.name);
    }
  }
  return out;
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
