import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StudioAsset {
  type: string;
  body: Buffer;
  /** First 16 hex digits of the body's SHA-256: the ETag, and part of every chunk's name. */
  hash: string;
  /** Chunks are named by their hash and never change; entries and the stylesheet keep one name. */
  immutable: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const clientDir = path.join(here, '..', 'client');
const assetsDir = path.join(here, '..', 'assets');
/** Files served as they are: the stylesheet and the icon every page links to (no /favicon.ico 404). */
const STATIC_FILES = ['studio.css', 'icon.svg'] as const;

/** The pages' scripts, by the name `page({ scripts })` loads them under. */
export const STUDIO_ENTRIES = {
  editor: 'editorPage.ts',
  flows: 'flowsPage.ts',
  publish: 'publishPage.ts',
  history: 'historyPage.ts',
  source: 'sourcePage.ts',
} as const;

const typeOf = (name: string): string =>
  name.endsWith('.css')
    ? 'text/css; charset=utf-8'
    : name.endsWith('.svg')
      ? 'image/svg+xml'
      : name.endsWith('.map')
        ? 'application/json; charset=utf-8'
        : 'text/javascript; charset=utf-8';

const digest = (body: Buffer): string => createHash('sha256').update(body).digest('hex').slice(0, 16);

/**
 * Bundles the studio's browser code (src/studio/client) with esbuild's JS API, in memory: ES
 * modules, minified, split so Mermaid (most of the bytes) loads only with the diagram, source maps
 * when `dev`. Returns every file by its name under /studio/assets/. A build script can call it and
 * write the map to disk.
 */
export async function buildStudioAssets(opts: { dev?: boolean } = {}): Promise<Map<string, StudioAsset>> {
  // esbuild (~15 MB resident) is imported with the first studio page, not with the server.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(STUDIO_ENTRIES).map(([name, file]) => [name, path.join(clientDir, file)])),
    bundle: true,
    format: 'esm',
    splitting: true,
    minify: true,
    sourcemap: opts.dev ? 'linked' : false,
    target: 'es2022',
    platform: 'browser',
    outdir: '/studio-assets',
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const assets = new Map<string, StudioAsset>();
  for (const f of result.outputFiles) {
    const name = path.relative('/studio-assets', f.path);
    const body = Buffer.from(f.contents);
    assets.set(name, { type: typeOf(name), body, hash: digest(body), immutable: name.startsWith('chunk-') });
  }
  for (const name of STATIC_FILES) {
    const body = await readFile(path.join(assetsDir, name));
    assets.set(name, { type: typeOf(name), body, hash: digest(body), immutable: false });
  }
  return assets;
}
