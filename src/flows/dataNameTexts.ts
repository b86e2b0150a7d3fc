import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { nameSlug } from '../i18n.ts';

/**
 * One resident-facing name of the programme data (flows/courses.yaml, partners.yaml,
 * programmes.yaml) as a translatable string: `names.<kind>.<slug of the English name>`. The
 * data files' `{ en, ur, … }` maps give the English source and first translations; a translation
 * in `locales/<lang>/names.json` wins over them (src/flows/dataNames.ts), and that file is where
 * an import writes.
 */
export interface DataName {
  /** `names.course.i-can-administration` */
  key: string;
  english: string;
  /** Translations the data file itself gives, by language. */
  fromData: Record<string, string>;
  /** The data file and what the name is, for translators: `flows/courses.yaml: course name`. */
  usedAt: string;
}

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

async function readYaml(file: string): Promise<Record<string, unknown>> {
  try {
    const doc: unknown = parseYaml(await readFile(file, 'utf8'));
    return isRecord(doc) ? doc : {};
  } catch {
    // A missing or broken data file is reported by seeding and `flows check --db`; its names are simply not offered.
    return {};
  }
}

/** Every data name, in file order, each once. */
export async function readDataNameTexts(flowsDir: string): Promise<DataName[]> {
  const out = new Map<string, DataName>();
  const add = (kind: string, slugOf: unknown, name: unknown, usedAt: string) => {
    const english = isRecord(name) ? name.en : name;
    if (typeof english !== 'string' || typeof slugOf !== 'string') return;
    const slug = nameSlug(slugOf);
    if (!slug) return;
    const key = `names.${kind}.${slug}`;
    const fromData = Object.fromEntries(Object.entries(isRecord(name) ? name : {}).filter((e): e is [string, string] => e[0] !== 'en' && typeof e[1] === 'string'));
    const seen = out.get(key);
    if (seen) Object.assign(seen.fromData, { ...fromData, ...seen.fromData });
    else out.set(key, { key, english, fromData, usedAt });
  };
  const englishOf = (n: unknown): unknown => (isRecord(n) ? n.en : n);
  const courses = await readYaml(path.join(flowsDir, 'courses.yaml'));
  for (const c of list(courses.courses).filter(isRecord)) {
    add('course', englishOf(c.name), c.name, 'flows/courses.yaml: course name');
    for (const s of list(c.sessions).filter(isRecord)) if (isRecord(s.venue)) add('venue', englishOf(s.venue.name), s.venue.name, 'flows/courses.yaml: venue name');
  }
  const programmes = await readYaml(path.join(flowsDir, 'programmes.yaml'));
  for (const p of list(programmes.programmes).filter(isRecord)) add('programme', englishOf(p.name), p.name, 'flows/programmes.yaml: programme name');
  const partners = await readYaml(path.join(flowsDir, 'partners.yaml'));
  for (const p of list(partners.partners).filter(isRecord)) {
    // The partner's name residents are told (residentName), under the slug of its official name.
    if (isRecord(p.residentName)) add('partner', p.name, p.residentName, 'flows/partners.yaml: partner name residents see');
    for (const v of list(p.vacancies).filter(isRecord)) {
      add('role', englishOf(v.role), v.role, 'flows/partners.yaml: job title');
      if (isRecord(v.site)) add('site', englishOf(v.site.name), v.site.name, 'flows/partners.yaml: site name');
    }
  }
  return [...out.values()];
}
