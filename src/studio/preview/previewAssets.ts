import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Microsoft's prebuilt Web Chat bundle, from node_modules as the widget serves it (no CDN). */
export const WEBCHAT_BUNDLE = path.join(path.dirname(path.dirname(require.resolve('botframework-webchat'))), 'dist', 'webchat.js');
export const WEBCHAT_VERSION = (JSON.parse(readFileSync(path.join(path.dirname(WEBCHAT_BUNDLE), '..', 'package.json'), 'utf8')) as { version: string }).version;

let bundle: Promise<string> | undefined;

/** The preview page's script (src/studio/client/preview.ts), bundled by esbuild once per process. */
export function previewScript(): Promise<string> {
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

/**
 * The preview page's own layout: the form beside the chat panel, at 1280 wide. The nav rule makes
 * the shell's links 24px targets (WCAG 2.2 target-size) even before the studio's stylesheet loads;
 * it belongs in studio.css once that has it.
 */
export const PREVIEW_CSS = `
header nav ul { display: flex; flex-wrap: wrap; gap: .75rem; list-style: none; padding: 0; margin: .5rem 0; }
header nav a { display: inline-block; min-height: 24px; padding: .25rem .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.preview-layout { display: grid; grid-template-columns: minmax(0, 1fr) 420px; gap: 1.5rem; align-items: start; }
.preview-banner { border-left: 6px solid #1d70b8; background: #f3f7fb; padding: .75rem 1rem; margin: 0 0 1rem; }
.preview-form fieldset { border: 1px solid #b1b4b6; padding: .75rem 1rem; margin: 0 0 1rem; }
.preview-form label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
.preview-form .answer-row { display: flex; gap: .5rem; align-items: end; margin-bottom: .5rem; }
.preview-form .answer-row label { margin-top: 0; }
.preview-chat { border: 1px solid #b1b4b6; height: 640px; display: flex; flex-direction: column; }
.preview-chat h2 { margin: 0; padding: .5rem .75rem; font-size: 1.1rem; border-bottom: 1px solid #b1b4b6; }
#webchat { flex: 1; min-height: 0; }
.preview-status { min-height: 1.5rem; }
.preview-status.error { color: #b10e1e; font-weight: 600; }
button:focus-visible, input:focus-visible, select:focus-visible, a:focus-visible { outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 5px #0b0c0c; }
`;
