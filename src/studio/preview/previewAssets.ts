import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let bundle: Promise<string> | undefined;

const build: typeof import('esbuild').build = async (options) => (await import('esbuild')).build(options);

/** The preview page's script (src/studio/client/preview.ts), bundled by esbuild once per process. */
export function previewScript(): Promise<string> {
  // esbuild (~15 MB resident) is imported with the first preview, not with the server.
  bundle ??= build({
    entryPoints: [path.join(here, '..', 'client', 'preview.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
  }).then(
    (r) => r.outputFiles[0]!.text,
    (err: unknown) => {
      // A failed build is tried again on the next request rather than cached.
      bundle = undefined;
      throw err;
    },
  );
  return bundle;
}
