import type { Config } from './config.ts';
import path from 'node:path';
import { languagesLive, publicUrl, serviceUrlHosts, widgetOrigins } from './config.ts';
import { createReleases } from './flows/releases/createReleases.ts';
import { studioRoutes } from './studio/studioRoutes.ts';
import { createHandoffs, type Handoffs, type HandoffsOptions } from './channels/slack/createHandoffs.ts';
import { createWebChannels } from './channels/web/createWebChannels.ts';
import { actionsWordedBy, courseOptionsOf } from './domain/allActions.ts';
import { coordinatorDataStatus } from './domain/coordinatorData/coordinatorDataStatus.ts';
import { seedCoordinatorData } from './domain/coordinatorData/seedCoordinatorData.ts';
import { partnerRoutes } from './http/partnerRoutes.ts';
import { outcomesRoutes } from './http/outcomes/outcomesRoutes.ts';
import { loadOutcomes } from './domain/outcomes/loadOutcomes.ts';
import { programmeNames } from './domain/outcomes/programmeNames.ts';
import { journeyEraser } from './domain/journey/eraseJourneyData.ts';
import { outcomesEraser } from './domain/outcomes/outcomesEraser.ts';
import { privacyEraser, type Eraser } from './domain/privacy/eraseConversation.ts';
import { privacyRoutes } from './http/privacyRoutes.ts';
import { journeyJobHandlers } from './domain/journey/journeyJobHandlers.ts';
import { noticesFromTranslator } from './domain/shared/notices.ts';
import { ActionRegistry } from './engine/actions.ts';
import { createEngine } from './engine/createEngine.ts';
import { pendingQuestion } from './engine/pendingQuestion.ts';
import type { Engine } from './engine/port.ts';
import { makeActionRunner } from './engine/runAction.ts';
import { FlowCatalog } from './flows/catalog.ts';
import { formatProblem } from './flows/problem.ts';
import { watchFlows } from './flows/watchFlows.ts';
import { adminRoutes } from './http/adminRoutes.ts';
import { createApp, listen, type RunningServer } from './http/server.ts';
import { housekeepingJobs } from './jobs/housekeepingJobs.ts';
import { JobRunner } from './jobs/JobRunner.ts';
import { createLogger, type Logger } from './log.ts';
import { liveLanguages } from './languages/live.ts';
import { collectProcessMetrics } from './metrics.ts';
import type { Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { openDb } from './store/openDb.ts';

export interface RunningApp {
  config: Config;
  logger: Logger;
  db: Db;
  engine: Engine;
  catalog: FlowCatalog;
  server: RunningServer;
  /** Stop accepting, finish in-flight work (bounded), stop workers, close the database. */
  close(): Promise<void>;
}

export interface BuildOptions {
  watch?: boolean;
  logger?: Logger;
  /** Use this database instead of opening one from the config (tests). */
  db?: Db;
  /** Run background jobs (reminders, escalations, Slack posts); default true. */
  workers?: boolean;
}

/**
 * The handoff desk as the configuration describes it (Slack when configured). The CLI builds it
 * too, for staff erasure: without `start()` its Slack events wait in the outbox for the server's worker.
 */
export function handoffsFromConfig(config: Config, o: { db: Db; logger: Logger; pendingQuestion?: HandoffsOptions['pendingQuestion'] }): Handoffs {
  return createHandoffs({
    db: o.db,
    logger: o.logger,
    localesDir: config.LOCALES_DIR,
    flowsDir: config.FLOWS_DIR,
    defaultLocale: config.DEFAULT_LOCALE,
    officeHours: config.HANDOFF_OFFICE_HOURS,
    escalationMinutes: config.HANDOFF_ESCALATION_MINUTES,
    ...(o.pendingQuestion ? { pendingQuestion: o.pendingQuestion } : {}),
    slack: {
      ...(config.SLACK_BOT_TOKEN ? { botToken: config.SLACK_BOT_TOKEN } : {}),
      ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
      ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
      ...(config.SLACK_HANDOFF_CHANNEL ? { handoffChannel: config.SLACK_HANDOFF_CHANNEL } : {}),
      ...(config.SLACK_API_URL ? { apiUrl: config.SLACK_API_URL } : {}),
      notePrefix: config.SLACK_NOTE_PREFIX,
      ...(config.SLACK_DUTY_GROUP_ID ? { dutyGroupId: config.SLACK_DUTY_GROUP_ID } : {}),
      ...(config.SLACK_SAFEGUARDING_GROUP_ID ? { safeguardingGroupId: config.SLACK_SAFEGUARDING_GROUP_ID } : {}),
    },
  });
}

/**
 * Everything that erases a conversation's data beyond its own row and transcript, in one list for
 * "delete my data", retention and staff erasure: bookings and applications, handoffs (the
 * adviser's card is wiped), consent records and export links, and the link to the funnel figures.
 */
export function erasersOf(config: Config, handoffs: Pick<Handoffs, 'eraser'>): Eraser[] {
  // The figures' eraser first: it counts `erased` with the reach row before anything else goes.
  return [outcomesEraser(), journeyEraser(courseOptionsOf(config)), handoffs.eraser, privacyEraser];
}

/** Starts everything; the process entry point and the end-to-end tests share it. */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<RunningApp> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  collectProcessMetrics();
  const db = opts.db ?? (await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.DB_POOL_MAX }));
  const cleanups: Array<() => Promise<void> | void> = [];
  let seeding: ReturnType<typeof seedCoordinatorData> | undefined;
  try {
    const applied = await migrate(db);
    logger.info({ driver: db.driver, applied }, 'database ready');

    // Courses, sessions, partners and vacancies are coordinator data in flows/: start-up adds what
    // is new and never changes what exists; a difference is reported, never fatal (flows/README.md).
    const courseOptions = courseOptionsOf(config);
    // It runs while the flows are checked and compiled below (database waits beside CPU work): the
    // two read different files and write different tables. Awaited before anything serves.
    seeding = seedCoordinatorData(db, { flowsDir: config.FLOWS_DIR, mode: 'insertNew', options: courseOptions, logger });
    seeding.catch(() => undefined);

    // Wording in the resident's language from the live flow set (follows reloads): one source for
    // in-turn summaries and proactive notices. The actions are checked by the catalog and word their
    // results with its translator, so they read it late: only turns and jobs call it, after the
    // catalog below exists.
    const liveTranslator = () => catalog.current.translator;
    const notices = noticesFromTranslator(liveTranslator);
    const actions = new ActionRegistry().register(...(await actionsWordedBy(config, liveTranslator, logger)));
    const runAction = makeActionRunner(actions, config.ACTION_TIMEOUT_MS, logger);
    const catalog = new FlowCatalog({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR, actions }, db);
    // The live flows are the live release: the folders are published as one when they changed, and
    // the catalog follows releases published by any process (NOTIFY and each turn's first round trip).
    const loaded = await catalog.start({ logger });
    cleanups.push(() => catalog.stop());
    const coordinatorData = await seeding;
    if (!loaded.ok) {
      logger.error({ problems: loaded.problems.map(formatProblem) }, 'flows have errors: fix them (npm run flows -- check)');
    } else {
      logger.info({ flows: [...loaded.set.flows.values()].map((f) => `${f.id}@${f.version}`), warnings: loaded.set.warnings.length }, 'flows loaded');
    }

    // Published versions of the flow files: the studio and `flows import` publish through it.
    const releases = createReleases({ db, catalog, logger, startFlow: config.START_FLOW });
    cleanups.push(() => releases.close());

    // LANGUAGES_LIVE: the languages offered, detected and named; a conversation in one taken off carries on in it.
    const languages = languagesLive(config);
    const handoffs = handoffsFromConfig(config, { db, logger, pendingQuestion: (tx, conversationId) => pendingQuestion(catalog, tx, conversationId, logger, languages) });
    const erasers = erasersOf(config, handoffs);

    const engine = createEngine({
      db,
      catalog,
      logger,
      runAction,
      statementTimeoutMs: config.ACTION_TIMEOUT_MS * 2,
      startFlow: config.START_FLOW,
      defaultLocale: config.DEFAULT_LOCALE,
      languagesLive: languages,
      inactivityMinutes: config.INACTIVITY_MINUTES,
      handoffs: handoffs.service,
      safeguarding: handoffs.safeguarding,
      erasers,
    });
    // The widget's language menu: the live languages of the live release, read per release as the
    // engine reads them (liveLanguages is memoised per release), so a publish that changes what is live reaches it.
    const widgetLanguages = () => (catalog.loaded ? liveLanguages(languages, catalog.current.files, catalog.current.translator.languages) : ['en']);
    logger.info({ languages: widgetLanguages() }, 'live languages');
    const send = (conversationId: string, replies: Parameters<Engine['sendProactive']>[1]) => engine.sendProactive(conversationId, replies);

    const web = await createWebChannels({
      db,
      engine,
      logger,
      nodeEnv: config.NODE_ENV,
      directLineSecret: config.DIRECTLINE_SECRET,
      tokenSigningKey: config.TOKEN_SIGNING_KEY,
      widgetOrigins: widgetOrigins(config),
      partnerName: config.PARTNER_NAME,
      partnerColour: config.PARTNER_COLOUR,
      // The widget's own words come from the live release, so a published translation reaches it without a restart.
      wording: () => (catalog.loaded ? catalog.current.translator : undefined),
      localesDir: config.LOCALES_DIR,
      appId: config.MicrosoftAppId,
      appPassword: config.MicrosoftAppPassword,
      appTenantId: config.MicrosoftAppTenantId,
      appType: config.MicrosoftAppType,
      bodyLimit: config.BODY_LIMIT,
      conversationRate: { perMinute: config.CONVERSATION_MESSAGES_PER_MINUTE, burst: config.CONVERSATION_MESSAGE_BURST },
      addressRate: { perMinute: config.ADDRESS_MESSAGES_PER_MINUTE, burst: config.ADDRESS_MESSAGE_BURST },
      maxStreamsPerConversation: config.STREAMS_PER_CONVERSATION,
      maxBufferedBytes: config.STREAM_BUFFER_KB * 1024,
      serviceUrlHosts: serviceUrlHosts(config),
      languages: widgetLanguages,
    });
    let webClosed = false;
    const closeWeb = async () => {
      if (webClosed) return;
      webClosed = true;
      await web.close();
    };
    cleanups.push(closeWeb);

    const stopWatch = opts.watch ? watchFlows(catalog, [config.FLOWS_DIR, config.LOCALES_DIR], logger, releases) : () => undefined;
    cleanups.push(stopWatch);

    const app = createApp({
      logger,
      bodyLimit: config.BODY_LIMIT,
      trustProxy: config.TRUST_PROXY,
      readiness: [
        { name: 'database', check: async () => (await db.ping(), db.driver) },
        {
          name: 'flows',
          check: async () => {
            if (!catalog.loaded) throw new Error(`flows not loaded: ${catalog.lastProblems.slice(0, 5).map(formatProblem).join('; ')}`);
            const live = [...catalog.current.flows.values()].map((f) => `${f.id}@${f.version}`);
            return catalog.lastProblems.length
              ? { live, refusedReload: catalog.lastProblems.slice(0, 20).map(formatProblem) }
              : { live };
          },
        },
        { name: 'slack', optional: true, check: async () => handoffs.status() },
        { name: 'coordinatorData', optional: true, check: () => coordinatorDataStatus(coordinatorData) },
      ],
      // Web routers read their bodies with the edge's reader themselves (after Direct Line's CORS).
      rawRoutes: web.rawRoutes,
      // Slack comes after the edge: Bolt verifies its signature on the bounded req.rawBody.
      routes: [
        ...(handoffs.router ? [['/', handoffs.router] as [string, typeof handoffs.router]] : []),
        ['/admin', adminRoutes({ adminToken: config.ADMIN_TOKEN, catalog, releases })],
        ['/admin', partnerRoutes({ db, send, notices, adminToken: config.ADMIN_TOKEN, logger })],
        // Reach and outcomes (issue 15): the dashboard, its exports and report, referral posters.
        [
          '/admin',
          outcomesRoutes({ db, load: async (scope, filters) => loadOutcomes(db, scope, filters, { names: { programmes: await programmeNames(path.join(config.FLOWS_DIR, 'programmes.yaml')) } }), adminToken: config.ADMIN_TOKEN, publicUrl: publicUrl(config), chromiumPath: config.CHROMIUM_PATH, logger }),
        ],
        // A resident's copy of their data, behind the one-time link "send me my data" gives.
        ['/privacy', privacyRoutes({ db, logger })],
        // The coordinator studio: signed-in staff edit, preview and publish flows and programme data.
        ...studioRoutes({
          db,
          logger,
          releases,
          dev: config.NODE_ENV === 'development',
          sessionHours: config.STUDIO_SESSION_HOURS,
          inviteHours: config.STUDIO_INVITE_HOURS,
          publicUrl: publicUrl(config),
          flowsDir: config.FLOWS_DIR,
          programmesFile: path.join(config.FLOWS_DIR, 'programmes.yaml'),
          startFlow: config.START_FLOW,
          defaultLocale: config.DEFAULT_LOCALE,
          statementTimeoutMs: config.ACTION_TIMEOUT_MS * 2,
          inactivityMinutes: config.INACTIVITY_MINUTES,
          actions,
          runAction,
          // The preview's actions word their results with the draft's wording, not the live one.
          previewRunAction: async (translator) =>
            makeActionRunner(new ActionRegistry().register(...(await actionsWordedBy(config, () => translator, logger))), config.ACTION_TIMEOUT_MS, logger),
          handoffs: handoffs.service,
          safeguarding: handoffs.safeguarding,
          erasers,
          send,
          notices,
          courseOptions,
        }),
      ],
    });
    const server = await listen(app, config.PORT, config.HOST);
    web.attach(server.server);
    logger.info({ port: server.port, driver: db.driver }, 'Anchorline is listening');

    if (opts.workers !== false) {
      await handoffs.start();
      cleanups.push(() => handoffs.stop());
      // Daily housekeeping (retention, stale Direct Line ids, the postcode cache) runs as jobs, once across processes.
      const housekeeping = housekeepingJobs({ retentionDays: config.RETENTION_DAYS, erasers, exportLinkMinutes: config.EXPORT_LINK_MINUTES, logger });
      const jobs = new JobRunner({
        db,
        logger,
        handlers: { ...journeyJobHandlers({ send, notices, courseOptions }), ...housekeeping.handlers },
        pollMs: config.JOB_POLL_MS,
        leaseMs: config.JOB_LEASE_MS,
        backoffBaseMs: config.JOB_BACKOFF_BASE_MS,
      });
      await housekeeping.schedule(db);
      jobs.start();
      cleanups.push(() => jobs.stop());
    }

    return {
      config,
      logger,
      db,
      engine,
      catalog,
      server,
      close: async () => {
        const stopping = server.close(config.SHUTDOWN_TIMEOUT_MS);
        // Open streams would hold the server open: end them once no new request can arrive.
        await closeWeb();
        await stopping;
        for (const c of cleanups.toReversed()) await c();
        cleanups.length = 0;
        await db.close();
      },
    };
  } catch (err) {
    // Seeding may still be writing when something beside it failed: let it finish before the database closes.
    await seeding?.catch(() => undefined);
    for (const c of cleanups.toReversed()) await Promise.resolve(c()).catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
}
