import path from 'node:path';
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { loadBankHolidays } from '../../domain/handoffs/bankHolidays.ts';
import { createHandoffService, type HandoffDesk, type HandoffServiceOptions } from '../../domain/handoffs/createHandoffService.ts';
import { loadHandoffText } from '../../domain/handoffs/handoffText.ts';
import type { OfficeHours } from '../../domain/handoffs/officeHours.ts';
import { createSafeguardingCheck } from '../../domain/safeguarding/createSafeguardingCheck.ts';
import { loadPhraseLists } from '../../domain/safeguarding/phraseList.ts';
import type { SafeguardingCheck } from '../../engine/port.ts';
import type { Db, Queryable } from '../../store/db.ts';
import type { SlackAppOptions, SlackChannel } from './createSlackApp.ts';

export interface HandoffsOptions {
  db: Db;
  logger: Logger;
  localesDir: string;
  flowsDir: string;
  defaultLocale: string;
  officeHours: OfficeHours;
  escalationMinutes: number;
  /** Repeats the resident's pending question on "Return to bot" (engine/pendingQuestion.ts). */
  pendingQuestion?: HandoffServiceOptions['pendingQuestion'];
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    handoffChannel?: string;
    apiUrl?: string;
    notePrefix: string;
    dutyGroupId?: string;
    safeguardingGroupId?: string;
  };
}

export interface Handoffs {
  /** Give to the engine: HandoffService, plus adviser actions. */
  service: HandoffDesk;
  /** Give to the engine: checks every inbound message before flow logic. */
  safeguarding: SafeguardingCheck;
  /**
   * Give to "delete my data" and retention (an `erasers` entry): empties the handoff summaries
   * and relayed payloads of the conversation in the caller's transaction, closes an open
   * handoff as erased, and has the adviser's card wiped.
   */
  eraser: (tx: Queryable, conversationId: string) => Promise<void>;
  /** Mount on the Express app before any body parser (Bolt verifies the raw body); undefined when Slack is off or in Socket Mode. */
  router: Router | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** For /readyz detail: "slack: off" when not configured. */
  status(): { slack: 'off' | 'http' | 'socket'; reason?: string };
}

/** What Slack needs to run, or why it is off. */
function slackReady(s: HandoffsOptions['slack']): { ready: true; botToken: string; handoffChannel: string } | { ready: false; reason: string } {
  if (!s.botToken) return { ready: false, reason: 'SLACK_BOT_TOKEN not set' };
  if (!s.handoffChannel) return { ready: false, reason: 'SLACK_HANDOFF_CHANNEL not set' };
  if (!s.signingSecret && !s.appToken) return { ready: false, reason: 'SLACK_SIGNING_SECRET or SLACK_APP_TOKEN not set' };
  return { ready: true, botToken: s.botToken, handoffChannel: s.handoffChannel };
}

/**
 * The Slack app, with @slack/bolt imported only now: Bolt and its web client hold ~30 MB of a
 * process's memory, which a deployment without Slack never needs. A configuration Bolt refuses
 * surfaces when the desk starts (buildApp awaits it) or on the first Slack request.
 */
function loadSlackApp(o: SlackAppOptions): Promise<SlackChannel> {
  const slack = import('./createSlackApp.ts').then((m) => m.createSlackApp(o));
  // Not an unhandled rejection while nobody has awaited it yet; start() and the router see the error.
  slack.catch(() => undefined);
  return slack;
}

/** A router to mount now that hands each request to the Slack app's own router once it has loaded. */
function routerWhenLoaded(slack: Promise<SlackChannel>): Router {
  const router = express.Router();
  // Express 5 passes a rejection (Bolt refused the configuration) to the error handler.
  router.use(async (req, res, next) => {
    const app = await slack;
    if (app.router) app.router(req, res, next);
    else next();
  });
  return router;
}

/**
 * Composition of the handoff desk: the channel-neutral service the engine calls, the
 * safeguarding matcher, and (when configured) the Slack app that consumes handoff events.
 * Without Slack the service still works: handoffs queue in the database, no events are
 * written, and residents are told an adviser will contact them.
 */
export function createHandoffs(o: HandoffsOptions): Handoffs {
  const ready = slackReady(o.slack);
  const text = loadHandoffText(o.localesDir, o.defaultLocale);
  const calendar = { hours: o.officeHours, holidays: loadBankHolidays() };
  const safeguarding = createSafeguardingCheck(loadPhraseLists(path.join(o.flowsDir, 'safeguarding')), o.defaultLocale);
  const s = o.slack;
  const service = createHandoffService({
    db: o.db,
    text,
    calendar,
    escalationMinutes: o.escalationMinutes,
    channelConnected: ready.ready,
    logger: o.logger.child({ module: 'handoffs' }),
    ...(o.pendingQuestion ? { pendingQuestion: o.pendingQuestion } : {}),
  });
  let slack: Promise<SlackChannel> | undefined;
  if (ready.ready) {
    slack = loadSlackApp({
      botToken: ready.botToken,
      ...(s.signingSecret ? { signingSecret: s.signingSecret } : {}),
      ...(s.appToken ? { appToken: s.appToken } : {}),
      handoffChannel: ready.handoffChannel,
      ...(s.apiUrl ? { apiUrl: s.apiUrl.endsWith('/') ? s.apiUrl : `${s.apiUrl}/` } : {}),
      notePrefix: s.notePrefix,
      escalationMinutes: o.escalationMinutes,
      ...(s.dutyGroupId ? { dutyGroupId: s.dutyGroupId } : {}),
      ...(s.safeguardingGroupId ? { safeguardingGroupId: s.safeguardingGroupId } : {}),
      db: o.db,
      handoffs: service,
      logger: o.logger,
    });
  } else {
    o.logger.info({ reason: ready.reason }, 'slack: off; handoffs are queued in the database');
  }
  return {
    service,
    safeguarding,
    eraser: (tx, conversationId) => service.eraseConversation(conversationId, tx),
    // Bolt receives events over HTTP unless an app token asks for Socket Mode (createSlackApp.ts).
    router: slack && !s.appToken ? routerWhenLoaded(slack) : undefined,
    start: async () => (await slack)?.start(),
    stop: async () => (await slack)?.stop(),
    status: () => (slack ? { slack: s.appToken ? 'socket' : 'http' } : { slack: 'off', reason: ready.ready ? 'not started' : ready.reason }),
  };
}
