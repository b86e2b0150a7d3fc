import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A complete, editable set of conversation content, by path relative to the project:
 * `flows/<id>.flow.yaml`, `flows/commands.yaml`, `flows/readability-allow.yaml`,
 * `flows/tests/<name>.test.yaml`, `locales/<lang>/<namespace>.json` and each language's translation
 * status `locales/<lang>/_status.json` (not wording: localeFiles leaves it out). A release, the studio's
 * draft and the shipped folders are each one of these (issue 13). Programme data (courses,
 * partners, programmes) is not: it lives in database tables, seeded from `flows/*.yaml`.
 */
export type FlowFiles = Record<string, string>;

export const FLOWS_PREFIX = 'flows/';
export const LOCALES_PREFIX = 'locales/';

/** Whether a path belongs in a FlowFiles set (anything else is refused by imports and the studio). */
export function isFlowFilesPath(p: string): boolean {
  return (
    /^flows\/[a-z][a-z0-9_]*\.flow\.yaml$/.test(p) ||
    p === 'flows/commands.yaml' ||
    p === 'flows/readability-allow.yaml' ||
    /^flows\/tests\/[a-z0-9][a-z0-9_-]*\.test\.yaml$/.test(p) ||
    /^locales\/[a-z]{2,3}(-[A-Za-z]{2,4})?\/[a-z][a-z0-9_-]*\.json$/.test(p) ||
    /^locales\/[a-z]{2,3}(-[A-Za-z]{2,4})?\/_status\.json$/.test(p)
  );
}

async function list(dir: string, suffix: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith(suffix)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Reads the flow folder and the locales folder into one FlowFiles set. */
export async function readFlowFiles(flowsDir: string, localesDir: string): Promise<FlowFiles> {
  const out: FlowFiles = {};
  for (const f of await list(flowsDir, '.flow.yaml')) out[`flows/${f}`] = await readFile(path.join(flowsDir, f), 'utf8');
  for (const f of ['commands.yaml', 'readability-allow.yaml']) {
    const text = await readFile(path.join(flowsDir, f), 'utf8').catch(() => undefined);
    if (text !== undefined) out[`flows/${f}`] = text;
  }
  for (const f of await list(path.join(flowsDir, 'tests'), '.test.yaml')) out[`flows/tests/${f}`] = await readFile(path.join(flowsDir, 'tests', f), 'utf8');
  for (const lng of (await readdir(localesDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const f of await list(path.join(localesDir, lng), '.json')) out[`locales/${lng}/${f}`] = await readFile(path.join(localesDir, lng, f), 'utf8');
  }
  return out;
}

/** Writes a FlowFiles set into the two folders (`flows export`); other files there are left alone. */
export async function writeFlowFiles(files: FlowFiles, flowsDir: string, localesDir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [p, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const target = diskPath(p, flowsDir, localesDir);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    written.push(target);
  }
  return written;
}

/** Where a FlowFiles path lives on disk, given the two folders. */
export function diskPath(p: string, flowsDir: string, localesDir: string): string {
  if (p.startsWith(FLOWS_PREFIX)) return path.join(flowsDir, p.slice(FLOWS_PREFIX.length));
  if (p.startsWith(LOCALES_PREFIX)) return path.join(localesDir, p.slice(LOCALES_PREFIX.length));
  return p;
}

/** The wording files of a set, by language: `[[file, text], …]` in path order (no `_status.json`). */
export function localeFiles(files: FlowFiles): Map<string, Array<[string, string]>> {
  const out = new Map<string, Array<[string, string]>>();
  for (const p of Object.keys(files).sort()) {
    const m = /^locales\/([^/]+)\/[^/_][^/]*\.json$/.exec(p);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), [p, files[p]!]]);
  }
  return out;
}
