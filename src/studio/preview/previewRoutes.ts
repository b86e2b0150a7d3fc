import { createHash } from 'node:crypto';
import express, { type Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { inboundActivitySchema, residentInput } from '../../channels/web/inboundActivity.ts';
import { START_TURN } from '../../channels/web/startTurn.ts';
import { WEBCHAT_PATH } from '../../channels/web/widget/createWidgetRoutes.ts';
import type { ActionRegistry } from '../../engine/actions.ts';
import type { HandoffService, SafeguardingCheck } from '../../engine/port.ts';
import { Renderer } from '../../engine/render.ts';
import type { ActionRunner } from '../../engine/runAction.ts';
import type { Eraser } from '../../engine/turnState.ts';
import { AppError } from '../../errors.ts';
import { loadFlowSetFromFiles, type FlowSet, type LoadResult } from '../../flows/catalog.ts';
import type { FlowFiles } from '../../flows/flowFiles.ts';
import type { Translator } from '../../i18n.ts';
import type { Db } from '../../store/db.ts';
import { staffOf, type StudioGuard } from '../staff.ts';
import { flowTestOf, slugOf } from './flowTestOf.ts';
import { previewScript } from './previewAssets.ts';
import { previewPage } from './previewPage.ts';
import { PreviewSession } from './PreviewSession.ts';
import { PreviewSessions } from './PreviewSessions.ts';
import { nearest, previewFlow, snapshotAt, startPreviewSchema } from './startPosition.ts';

export interface PreviewRoutesOptions {
  db: Db;
  guard: StudioGuard;
  /** The shared draft's files (the draft part's store). */
  draftFiles: () => Promise<FlowFiles>;
  /** Where the programme data files are (course, venue and partner names), as the live catalog reads them. */
  flowsDir: string;
  /** The real action registry (the draft is checked against it) and runner, as src/app.ts builds them. */
  actions: ActionRegistry;
  runAction: ActionRunner;
  /**
   * The runner for a draft's preview, whose actions word their results with the draft's
   * translator (eligibility reasons, course labels); without it previews use `runAction` (live wording).
   */
  runActionFor?: ((translator: Translator) => Promise<ActionRunner>) | undefined;
  handoffs?: HandoffService | undefined;
  safeguarding?: SafeguardingCheck | undefined;
  erasers?: Eraser[] | undefined;
  /** START_FLOW and DEFAULT_LOCALE. */
  startFlow?: string | undefined;
  defaultLocale?: string | undefined;
  /** The engine's statement timeout (src/app.ts: ACTION_TIMEOUT_MS * 2). */
  statementTimeoutMs?: number | undefined;
  inactivityMinutes?: number | undefined;
  logger: Logger;
  /** Open previews (a test may pass its own to look inside). */
  sessions?: PreviewSessions;
}

const activityBodySchema = inboundActivitySchema.extend({ type: z.literal('message') });
const flowTestBodySchema = z.strictObject({ name: z.string().trim().min(1, 'a test needs a name').max(120) });

function bodyOf<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const r = schema.safeParse(req.body ?? {});
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  throw new AppError('bad_request', problems.map((p) => `${p.field || 'body'}: ${p.message}`).join('; '), { detail: { problems } });
}

const idParam = z.string().regex(/^preview-[0-9a-f-]{36}$/);

/**
 * The studio's preview of the draft (issue 13, part 4), mounted at /studio:
 * - `GET /preview`: the page (form and the real Web Chat in a side panel);
 * - `GET /preview/assets/preview.js` (its layout is in studio.css; Web Chat is the widget's copy, WEBCHAT_PATH);
 * - `POST /api/preview` `{ flow?, step?, answers?, locale? }` → `{ id, activities }`;
 * - `POST /api/preview/:id/activities` (a Web Chat message activity) → `{ activities }`;
 * - `POST /api/preview/:id/flow-test` `{ name }` → `{ path, text }`;
 * - `DELETE /api/preview/:id` → 204.
 * Each preview turn runs the draft with the real actions in a transaction that is rolled back.
 */
export function previewRoutes(opts: PreviewRoutesOptions): express.Router {
  const startFlow = opts.startFlow ?? 'main';
  const defaultLocale = opts.defaultLocale ?? 'en';
  const sessions = opts.sessions ?? new PreviewSessions();
  const deps = {
    db: opts.db,
    logger: opts.logger,
    runAction: opts.runAction,
    handoffs: opts.handoffs,
    safeguarding: opts.safeguarding,
    erasers: opts.erasers,
    statementTimeoutMs: opts.statementTimeoutMs,
    inactivityMinutes: opts.inactivityMinutes,
  };
  // The draft compiled once per content: previews started on the same draft share it.
  let compiled: { hash: string; result: LoadResult; runAction: ActionRunner } | undefined;
  const draft = async (): Promise<LoadResult> => {
    const files = await opts.draftFiles();
    const hash = createHash('sha256').update(JSON.stringify(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)))).digest('hex');
    if (compiled?.hash !== hash) {
      const result = await loadFlowSetFromFiles(files, { flowsDir: opts.flowsDir, actions: opts.actions });
      const runAction = result.ok && opts.runActionFor ? await opts.runActionFor(result.set.translator) : opts.runAction;
      compiled = { hash, result, runAction };
    }
    return compiled.result;
  };
  // A session's engine: the shared deps with the runner made for its draft (the draft's wording).
  const depsFor = (set: FlowSet) => ({ ...deps, runAction: compiled?.result.ok && compiled.result.set === set ? compiled.runAction : opts.runAction });
  const sessionOf = (req: Request, res: express.Response): PreviewSession => {
    const id = idParam.safeParse(req.params['id']);
    const s = id.success ? sessions.get(staffOf(res.locals).id, id.data) : undefined;
    if (!s) throw new AppError('not_found', 'no such preview (previews end after 30 minutes without a message): start a new one');
    return s;
  };
  // The widget's copy of Web Chat, on this origin: one route serves the bundle to both.
  const webchatSrc = WEBCHAT_PATH;

  const router = express.Router();
  router.get('/preview/assets/preview.js', async (_req, res) => {
    res.set({ 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.type('application/javascript').send(await previewScript());
  });

  router.get('/preview', opts.guard.require('read'), async (_req, res) => {
    const loaded = await draft();
    // As the widget's page: Web Chat styles itself inline and shows images as data: and blob: URLs.
    res.set({
      'Content-Security-Policy': [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ].join('; '),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.type('html').send(
      previewPage({
        staff: staffOf(res.locals),
        set: loaded.ok ? loaded.set : undefined,
        problems: loaded.ok ? [] : loaded.problems,
        startFlow,
        defaultLocale,
        webchatSrc,
        scriptSrc: '/studio/preview/assets/preview.js',
      }),
    );
  });

  router.post('/api/preview', opts.guard.require('read'), async (req, res) => {
    const body = bodyOf(req, startPreviewSchema);
    const loaded = await draft();
    if (!loaded.ok) {
      const errors = loaded.problems.filter((p) => p.severity === 'error');
      throw new AppError('flows_invalid', `the draft has ${errors.length} problem(s), so it cannot be previewed; first: ${errors[0]?.file}:${errors[0]?.line}: ${errors[0]?.message}`, {
        detail: { problems: errors },
      });
    }
    const set = loaded.set;
    const flow = previewFlow(set, body.flow ?? startFlow);
    const locale = body.locale ?? defaultLocale;
    if (!set.translator.languages.includes(locale)) {
      const suggestion = nearest(locale, set.translator.languages);
      throw new AppError('bad_request', `the draft has no wording in "${locale}"${suggestion ? `: did you mean "${suggestion}"?` : ''}`, { detail: { ...(suggestion ? { suggestion } : {}), known: set.translator.languages } });
    }
    const answers = body.answers ?? {};
    if (!body.step && Object.keys(answers).length) throw new AppError('bad_request', 'sample answers need a question to start at (step)');
    let session: PreviewSession;
    let activities;
    if (body.step) {
      const at = snapshotAt(flow, body.step, answers);
      session = new PreviewSession(set, { flowId: flow.id, step: body.step, locale, answers: at.data }, { kind: 'seeded', flowId: flow.id, flowVersion: flow.version, snapshot: at.snapshot, locale }, depsFor(set));
      activities = session.shown(new Renderer(set.translator, locale).question(at.ask, at.data));
    } else {
      session = new PreviewSession(set, { flowId: flow.id, step: undefined, locale, answers }, { kind: 'new' }, depsFor(set));
      // As a Direct Line conversation starts: the start turn brings the greeting.
      activities = await session.send({ value: START_TURN.value });
    }
    sessions.add(staffOf(res.locals).id, session);
    res.status(201).json({ id: session.id, activities });
  });

  router.post('/api/preview/:id/activities', opts.guard.require('read'), async (req, res) => {
    const session = sessionOf(req, res);
    const activity = bodyOf(req, activityBodySchema);
    const input = residentInput(activity);
    if (input.text === undefined && input.value === undefined && !input.attachments) throw new AppError('empty_message', 'a message needs text or a value');
    res.json({ activities: await session.send(input) });
  });

  router.post('/api/preview/:id/flow-test', opts.guard.require('read'), async (req, res) => {
    const session = sessionOf(req, res);
    const { name } = bodyOf(req, flowTestBodySchema);
    if (session.start.step) {
      throw new AppError('bad_request', 'a flow test replays a conversation from its greeting: this preview started at a question; start one from the beginning to save it as a test');
    }
    // A flow test replays a new conversation, which starts where every resident's does (START_FLOW).
    if (session.start.flowId !== startFlow) throw new AppError('bad_request', `flow tests start the ${startFlow} flow: this preview started ${session.start.flowId}`);
    if (!session.exchanges.some((x) => x.kind === 'in' && x.value !== START_TURN.value)) throw new AppError('bad_request', 'send at least one message before saving the conversation as a test');
    const { text } = flowTestOf(session, name);
    res.json({ path: `flows/tests/${slugOf(name)}.test.yaml`, text });
  });

  router.delete('/api/preview/:id', opts.guard.require('read'), (req, res) => {
    const session = sessionOf(req, res);
    sessions.delete(staffOf(res.locals).id, session.id);
    res.status(204).end();
  });
  return router;
}
