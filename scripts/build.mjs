#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ to JavaScript in dist/, one file per source file (same tree, so
 * files read at run time relative to a module — migrations, reference data, the widget, studio
 * assets — are found beside it), plus a stamp that says which sources it was built from.
 *
 * Plain JavaScript on purpose: bin/start.js and bin/anchorline.js import it before anything is
 * compiled, and it must not need tsx. esbuild is imported only when a build actually runs.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const SRC = path.join(ROOT, 'src');
export const DIST = path.join(ROOT, 'dist');
const STAMP = '.build-stamp.json';
/** Besides src/, a change to these means the build may differ. */
const INPUTS_OUTSIDE_SRC = ['scripts/build.mjs', 'tsconfig.json'];
/**
 * Browser code the server bundles with esbuild while it runs (studio pages and the preview): its
 * TypeScript is copied as it is, because esbuild reads it from beside the compiled server module.
 */
const BUNDLED_AT_RUN_TIME = path.join('studio', path.sep);

function listFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * What the build depends on, in one hash: every source file's path, size and modification time
 * (a `git pull` or an edit changes them; a deleted or added file changes the list). Stat only,
 * no reads: a few milliseconds for the whole tree.
 */
export function sourcesKey() {
  const files = [...listFiles(SRC), ...INPUTS_OUTSIDE_SRC.map((f) => path.join(ROOT, f))].sort();
  const h = createHash('sha256');
  for (const f of files) {
    const s = statSync(f);
    h.update(`${path.relative(ROOT, f)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest('hex');
}

/** Why dist/ cannot run as it is ('missing' or 'stale'), or undefined when it was built from the sources there now. */
export function distProblem() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(DIST, STAMP), 'utf8'));
  } catch {
    return 'missing';
  }
  return stamp.sources === sourcesKey() ? undefined : 'stale';
}

/**
 * Relative imports are written `./x.ts` in the sources (tsx and vitest run them as they are);
 * compiled, they must name `./x.js`. Every relative import is left external (one output per
 * source file) with its extension rewritten; packages stay imports from node_modules.
 */
const relativeImportsToJs = {
  name: 'relative-imports-to-js',
  setup(b) {
    b.onResolve({ filter: /^\.{1,2}\// }, (args) => (args.kind === 'entry-point' ? undefined : { path: args.path.replace(/\.ts$/, '.js'), external: true }));
  },
};

/**
 * Compiles into a fresh folder and swaps it in whole, so a process checking dist/ meanwhile sees
 * either the old complete build or the new one (or none, and runs from sources). Returns ms taken.
 */
export async function build() {
  const t0 = performance.now();
  const key = sourcesKey();
  const { build: esbuild } = await import('esbuild');
  const tmp = path.join(ROOT, `.dist-build-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const files = listFiles(SRC);
    const ts = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    await esbuild({
      entryPoints: ts,
      outdir: tmp,
      outbase: SRC,
      bundle: true,
      packages: 'external',
      plugins: [relativeImportsToJs],
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
    });
    for (const f of files) {
      const rel = path.relative(SRC, f);
      if (f.endsWith('.ts') && !rel.startsWith(BUNDLED_AT_RUN_TIME)) continue;
      mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      copyFileSync(f, path.join(tmp, rel));
    }
    writeFileSync(path.join(tmp, STAMP), `${JSON.stringify({ sources: key, builtAt: new Date().toISOString() })}\n`);
    const old = `${DIST}.old-${process.pid}`;
    try {
      if (existsSync(DIST)) renameSync(DIST, old);
      renameSync(tmp, DIST);
    } catch (err) {
      // Another process (a second `npm start`, a bench) swapped in its build meanwhile: fine when it is of these sources.
      if (distProblem() !== undefined) throw err;
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return performance.now() - t0;
}

/** Builds when dist/ is missing or older than the sources; says so on stderr (one line) when it does. */
export async function ensureBuilt() {
  const problem = distProblem();
  if (!problem) return;
  const ms = await build();
  process.stderr.write(`anchorline: compiled src/ to dist/ in ${Math.round(ms)} ms (${problem === 'missing' ? 'no build yet' : 'sources changed since the last build'})\n`);
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const ms = await build();
  process.stdout.write(`dist/ built from src/ in ${Math.round(ms)} ms\n`);
}
