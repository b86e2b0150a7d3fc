/**
 * The preview router on the real HTTP edge (createApp), with the real actions, handoff desk and
 * erasers as src/app.ts builds them, a draft given by the test, and a small guard that signs in
 * a coordinator (the documented test seam: it sets res.locals.staff) and checks the CSRF header.
 */
import type express from 'express';
import type { RequestHandler } from 'express';
import { loadConfig } from '../../../src/config.ts';
import { actionsWordedBy, allActions } from '../../../src/domain/allActions.ts';
import { ActionRegistry } from '../../../src/engine/actions.ts';
import { makeActionRunner } from '../../../src/engine/runAction.ts';
import { createTranslator, loadLocales } from '../../../src/i18n.ts';
import { AppError } from '../../../src/errors.ts';
import { readFlowFiles, type FlowFiles } from '../../../src/flows/flowFiles.ts';
import { createApp, listen, type RunningServer } from '../../../src/http/server.ts';
import { createWidgetRoutes } from '../../../src/channels/web/widget/createWidgetRoutes.ts';
import { studioPages } from '../../../src/studio/pages/studioPages.ts';
import { previewRoutes } from '../../../src/studio/preview/previewRoutes.ts';
import type { Staff, StudioGuard } from '../../../src/studio/staff.ts';
import type { Handoffs } from '../../../src/channels/slack/createHandoffs.ts';
import type { Db } from '../../../src/store/db.ts';
import { silent } from '../../helpers/flowDir.ts';

export const STAFF: Staff = { id: 'staff-1', email: 'coordinator@example.org', role: 'coordinator', csrf: 'csrf-token-1' };

export const testGuard: StudioGuard = {
  require: (): RequestHandler => (req, res, next) => {
    res.locals['staff'] = STAFF;
    if (req.method !== 'GET' && req.get('x-csrf-token') !== STAFF.csrf) return next(new AppError('csrf_failed', 'missing or wrong CSRF token'));
    next();
  },
  audit: async () => undefined,
};

export interface PreviewServer {
  base: string;
  server: RunningServer;
  actions: ActionRegistry;
  /** The draft the router previews; a test may change it. */
  draft: { files: FlowFiles };
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startPreviewServer(
  db: Db,
  o: {
    desk?: Handoffs;
    env?: Record<string, string>;
    /** Other studio routers beside the preview (the draft API in the browser test). */
    routes?: express.Router[];
    /** START_FLOW as the app passes it (the router's own default otherwise). */
    startFlow?: string;
  } = {},
): Promise<PreviewServer> {
  const config = loadConfig({ NODE_ENV: 'test', ...o.env });
  // As src/app.ts: actions word their results with the live wording (here, the shipped locales).
  const live = await createTranslator(await loadLocales(config.LOCALES_DIR));
  const actions = new ActionRegistry().register(...(await allActions(config, { logger: silent, translate: (k, p, l) => String(live.t(l)(k, p)) })));
  const draft = { files: await readFlowFiles(config.FLOWS_DIR, config.LOCALES_DIR) };
  const app = createApp({
    logger: silent,
    bodyLimit: '256kb',
    readiness: [],
    routes: [
      // As src/app.ts: the widget's routes serve the Web Chat bundle the preview page loads.
      ['/', createWidgetRoutes({ partnerName: 'Anchorline', partnerColour: '#0b4f9c' })],
      ...(o.routes ?? []).map((r) => ['/studio', r] as [string, express.Router]),
      // The shell's stylesheet and icon (/studio/assets/), as the page loads them.
      ['/studio', studioPages({ guard: testGuard, logger: silent, dev: false })],
      [
        '/studio',
        previewRoutes({
          db,
          guard: testGuard,
          draftFiles: async () => draft.files,
          flowsDir: config.FLOWS_DIR,
          actions,
          runAction: makeActionRunner(actions, 5000, silent),
          // As src/app.ts: a draft's preview words action results with the draft's own wording.
          runActionFor: async (translator) => makeActionRunner(new ActionRegistry().register(...(await actionsWordedBy(config, () => translator, silent))), 5000, silent),
          ...(o.desk ? { handoffs: o.desk.service, safeguarding: o.desk.safeguarding, erasers: [o.desk.eraser] } : {}),
          logger: silent,
          ...(o.startFlow ? { startFlow: o.startFlow } : {}),
        }),
      ],
    ],
  });
  const server = await listen(app, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${server.port}`;
  return {
    base,
    server,
    actions,
    draft,
    async api<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': STAFF.csrf },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    close: () => server.close(1000),
  };
}

/** The text Web Chat would show for each activity. */
export const textsOf = (activities: Array<{ text?: string }>): string[] => activities.map((a) => a.text ?? '');
