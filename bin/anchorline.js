#!/usr/bin/env node
/**
 * The command line: the compiled dist/cli/main.js when dist/ was built from the sources there now,
 * otherwise src/cli/main.ts through tsx. It never builds (several CLI processes may run at once,
 * e.g. in tests) and never runs a stale build: `npm start` or `npm run build` refresh dist/.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, distProblem, ROOT } from '../scripts/build.mjs';

/** Whether tsx is installed (it is a development dependency: an install without them has only dist/). */
function hasTsx() {
  try {
    import.meta.resolve('tsx');
    return true;
  } catch {
    return false;
  }
}

const problem = distProblem();
if (process.env.ANCHORLINE_FROM_SOURCES !== '1' && problem === undefined) {
  await import(pathToFileURL(path.join(DIST, 'cli', 'main.js')).href);
} else if (!hasTsx()) {
  process.stderr.write(`anchorline: the compiled dist/ is ${problem ?? 'not used (ANCHORLINE_FROM_SOURCES=1)'}, and tsx (to run the sources) is not installed: run \`npm run build\` first.\n`);
  process.exit(1);
} else {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
