import { performance } from 'node:perf_hooks';
import express, { type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { STUDIO_CSP } from '../securityHeaders.ts';
import { AppError } from '../../errors.ts';
import { flowHeaderSchema, keySchema, stepSchemas } from '../../flows/schema.ts';
import { html, page } from '../layout.ts';
import { isFlowTestPath, sourceFilePath } from '../flows/sourceFiles.ts';
import { staffOf, type StudioGuard } from '../staff.ts';
import { buildStudioAssets, type StudioAsset } from './buildStudioAssets.ts';

/**
 * Studio pages' Content Security Policy. Scripts only from here. Styles also inline: Mermaid writes
 * a `<style>` into each SVG and `style` attributes on its nodes, and CodeMirror injects its theme as
 * a `<style>` element; neither works under `style-src 'self'` alone. Mermaid draws labels in
 * `foreignObject` and may use `data:` images; nothing else is loaded from anywhere.
 */

const flowIdSchema = z.string().regex(/^[a-z][a-z0-9_]*$/);
const assetNameSchema = z.string().regex(/^[A-Za-z0-9_-]+(\.[a-z]+)+$/);

/** The JSON Schema of every step kind and of the flow header, for the generated forms. */
export function studioSchema(): { steps: Record<string, unknown>; header: unknown; keyPattern: string } {
  const js = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  const keyPattern = z.toJSONSchema(keySchema).pattern;
  if (typeof keyPattern !== 'string') throw new Error('keySchema has no pattern');
  return {
    steps: Object.fromEntries(Object.entries(stepSchemas).map(([kind, s]) => [kind, js(s)])),
    header: js(flowHeaderSchema),
    keyPattern,
  };
}

function sendPage(res: Response, body: string, warm: () => void): void {
  // The page's scripts are asked for next: start building them now if this is the first page.
  warm();
  res.set({ 'Content-Security-Policy': STUDIO_CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
  res.type('html').send(body);
}

/**
 * The studio's pages in the browser (issue 13): the flow list, the flow editor, publish and
 * history, their scripts and stylesheet, and the step schemas the editor's forms are made from.
 * Pages are shells; their scripts read and change the draft through /studio/api. Mount at /studio.
 */
export function studioPages(opts: { guard: StudioGuard; logger: Logger; dev: boolean }): express.Router {
  const r = express.Router();
  const read = opts.guard.require('read');
  let assets: Promise<Map<string, StudioAsset>> | undefined;
  const warm = () => void loadAssets().catch(() => undefined);

  const loadAssets = (): Promise<Map<string, StudioAsset>> => {
    if (!assets) {
      const started = performance.now();
      assets = buildStudioAssets({ dev: opts.dev }).then(
        (built) => {
          const bytes = [...built.values()].reduce((n, a) => n + a.body.length, 0);
          opts.logger.info({ ms: Math.round(performance.now() - started), files: built.size, bytes }, 'studio assets built');
          return built;
        },
        (err: unknown) => {
          // The next request tries again rather than serving a failed build for the process's life.
          assets = undefined;
          opts.logger.error({ err }, 'studio assets failed to build');
          throw err;
        },
      );
    }
    return assets;
  };

  // Public: the sign-in page needs the stylesheet, and no asset holds anything of anyone's.
  r.get('/assets/:name', async (req, res) => {
    const name = assetNameSchema.safeParse(req.params.name);
    const asset = name.success ? (await loadAssets()).get(name.data) : undefined;
    if (!asset) throw new AppError('not_found', 'no such studio asset');
    const etag = `"${asset.hash}"`;
    res.set({ ETag: etag, 'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    if (req.get('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.type(asset.type).send(asset.body);
  });

  r.get('/', read, (_req, res) => res.redirect(303, '/studio/flows'));

  r.get('/api/schema', read, (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(studioSchema());
  });

  r.get('/flows', read, (_req, res) => {
    const staff = staffOf(res.locals);
    sendPage(
      res,
      page({
        title: 'Flows',
        staff,
        active: 'flows',
        scripts: ['flows.js'],
        body: `<p>The conversation flows of the draft. Open one to edit its steps, its YAML and see its diagram. Below them, the draft's other files: flow tests, commands and readability words, each edited as YAML.</p>
<div id="flow-list" aria-busy="true"><p>Loading the draft…</p></div>`,
      }),
      warm,
    );
  });

  r.get('/flows/:id', read, (req, res) => {
    const id = flowIdSchema.safeParse(req.params.id);
    if (!id.success) throw new AppError('not_found', 'no such flow');
    const staff = staffOf(res.locals);
    sendPage(
      res,
      page({
        title: `Flow: ${id.data}`,
        staff,
        active: 'flows',
        scripts: ['editor.js'],
        body: editorBody(id.data),
      }),
      warm,
    );
  });

  r.get('/files/:name', read, (req, res) => {
    const name = z.string().max(100).safeParse(req.params.name);
    const file = name.success ? sourceFilePath(name.data) : undefined;
    if (!file) throw new AppError('not_found', 'no such file: the studio edits flow tests, commands.yaml and readability-allow.yaml here');
    sendPage(
      res,
      page({
        title: isFlowTestPath(file) ? `Flow test: ${file.slice('flows/tests/'.length, -'.test.yaml'.length)}` : `File: ${file.slice('flows/'.length)}`,
        staff: staffOf(res.locals),
        active: 'flows',
        scripts: ['source.js'],
        body: sourceBody(file),
      }),
      warm,
    );
  });

  r.get('/publish', read, (_req, res) => {
    sendPage(
      res,
      page({
        title: 'Publish',
        staff: staffOf(res.locals),
        active: 'publish',
        scripts: ['publish.js'],
        body: `<p>Publishing makes the draft live. Problems the checker finds and failing flow tests stop it; residents in the middle of a conversation are listed below with what will happen to them.</p>
<div id="publish" aria-busy="true"><p>Checking the draft…</p></div>`,
      }),
      warm,
    );
  });

  r.get('/history', read, (_req, res) => {
    sendPage(
      res,
      page({
        title: 'History',
        staff: staffOf(res.locals),
        active: 'history',
        scripts: ['history.js'],
        body: `<p>Every published version, newest first. Open one to read what changed; revert publishes an earlier version again.</p>
<div id="history" aria-busy="true"><p>Loading releases…</p></div>`,
      }),
      warm,
    );
  });

  return r;
}

function editorBody(id: string): string {
  return `<div class="editor" id="editor" data-flow="${html(id)}">
<p class="status" id="status" role="status" aria-live="polite">Loading the draft…</p>
<p class="progress" id="progress"></p>
<div id="conflict"></div>
<div class="panes">
  <section class="pane outline-pane" aria-labelledby="outline-h"><h2 id="outline-h">Steps</h2><div id="outline"></div></section>
  <section class="pane form-pane" aria-labelledby="form-h"><h2 id="form-h">Step</h2><div id="step-form"><p>Choose a step from the list.</p></div></section>
  <section class="pane source-pane" aria-labelledby="source-h"><h2 id="source-h">YAML source</h2><div id="source"></div></section>
</div>
<section class="diagram-pane" aria-labelledby="diagram-h"><h2 id="diagram-h">Diagram</h2>
<p class="hint">Select a step in the diagram to open it in the form.</p><div id="diagram"></div></section>
</div>`;
}

const ABOUT: Array<[(path: string) => boolean, string]> = [
  [isFlowTestPath, 'A flow test: a conversation the draft must still answer as written (what the resident sends, the texts and buttons expected). Publishing runs every flow test; change this one when you meant to change what it checks.'],
  [(p) => p === 'flows/commands.yaml', 'Commands a resident can type at any point (such as "help" or "start again"), in every language.'],
  [(p) => p === 'flows/readability-allow.yaml', 'Words the readability check accepts in English texts (names of places, programmes and courses).'],
];

function sourceBody(file: string): string {
  const about = ABOUT.find(([test]) => test(file))?.[1] ?? '';
  return `<div class="editor source-editor" id="source-editor" data-file="${html(file)}">
<p class="status" id="status" role="status" aria-live="polite">Loading the draft…</p>
<p class="progress" id="progress"></p>
<div id="conflict"></div>
<p>${html(about)} <a href="/studio/flows">All flows and files</a></p>
<section class="pane source-pane" aria-labelledby="source-h"><h2 id="source-h">YAML source: <code>${html(file)}</code></h2><div id="source"></div></section>
<div id="file-actions"></div>
</div>`;
}
