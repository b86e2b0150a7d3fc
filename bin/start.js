#!/usr/bin/env node
/**
 * `npm start`: runs the compiled server (dist/main.js). When dist/ is missing or was built from
 * other sources (a fresh clone, a `git pull`, an edit), it is compiled first — esbuild, well under
 * a second — so a stale build never runs. ANCHORLINE_FROM_SOURCES=1 runs src/ through tsx instead.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ensureBuilt, ROOT } from '../scripts/build.mjs';

if (process.env.ANCHORLINE_FROM_SOURCES === '1') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
await ensureBuilt();
// In this process: no second Node start-up, and signals reach the server's own shutdown.
await import(pathToFileURL(path.join(DIST, 'main.js')).href);
