import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite's first start in an empty folder runs initdb inside WebAssembly: about 9 s of CPU, most of
 * a fresh `npm start`. Its result is the same every time for one PGlite version, so the first
 * initdb is kept (a 40 MB tar in node_modules/.cache/anchorline) and every later empty folder —
 * a reset ./data, a bench, a second checkout sharing node_modules — is filled from it instead
 * (under 2 s of CPU). Migrations still run after, as on any database.
 */
const require = createRequire(import.meta.url);
const pgliteDir = path.dirname(path.dirname(require.resolve('@electric-sql/pglite')));
const version = (JSON.parse(readFileSync(path.join(pgliteDir, 'package.json'), 'utf8')) as { version: string }).version;
const packageNodeModules = pgliteDir.slice(0, pgliteDir.lastIndexOf(`${path.sep}node_modules${path.sep}`) + '/node_modules'.length);
export const TEMPLATE_FILE = path.join(packageNodeModules, '.cache', 'anchorline', `pglite-${version}-initdb.tar`);

/** True when `dataDir` holds no database yet (initdb would run). */
export function isEmptyDataDir(dataDir: string): boolean {
  return !existsSync(path.join(dataDir, 'PG_VERSION'));
}

/** The kept initdb result, if there is one (PGlite's `loadDataDir`). */
export function initdbTemplate(file = TEMPLATE_FILE): Blob | undefined {
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    return undefined;
  }
}

/** Keeps a just-initialised database as the template; written whole (rename) so a reader never sees half. Best effort. */
export async function keepInitdbTemplate(pg: PGlite, file = TEMPLATE_FILE): Promise<void> {
  try {
    const tar = Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer());
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, tar);
    renameSync(tmp, file);
  } catch {
    // No template (a read-only node_modules): the next empty folder runs initdb again, as before.
  }
}
