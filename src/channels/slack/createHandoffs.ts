import path from 'node:path';
import type { Router } from 'express';
import type { Logger } from 'pino';
import { loadBankHolidays } from '../../domain/handoffs/bankHolidays.ts';
import { type AdviserSide, createHandoffService } from '../../domain/handoffs/createHandoffService.ts';
import { loadHandoffText } from '../../domain/handoffs/handoffText.ts';
import type { OfficeHours } from '../../domain/handoffs/officeHours.ts';
import { createSafeguardingCheck } from '../../domain/safeguarding/createSafeguardingCheck.ts';
import { loadPhraseLists } from '../../domain/safeguarding/phraseList.ts';
import type { Engine, HandoffService, SafeguardingCheck } from '../../engine/port.ts';
import type { Db } from '../../store/db.ts';
import { createSlackApp, type SlackChannel } from './createSlackApp.ts';

export interface HandoffsOptions {
  db: Db;
  logger: Logger;
  /** The engine, once built: it needs `service` first, so it is read lazily. */
  engine: () => Pick<Engine, 'sendProactive'>;
  localesDir: string;
  flowsDir: string;
  defaultLocale: string;
  officeHours: OfficeHours;
  escalationMinutes: number;
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
  service: HandoffService & AdviserSide;
  /** Give to the engine: checks every inbound message before flow logic. */
  safeguarding: SafeguardingCheck;
  /** Mount on the Express app before any body parser (Bolt verifies the raw body); undefined when Slack is off or in Socket Mode. */
  router: Router | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** For /readyz detail: "slack: off" when not configured. */
  status(): { slack: 'off' | 'http' | 'socket'; reason?: string };
}

/** Why Slack is off, or undefined when it has what it needs. */
function slackMissing(s: HandoffsOptions['slack']): string | undefined {
  if (!s.botToken) return 'SLACK_BOT_TOKEN not set';
  if (!s.handoffChannel) return 'SLACK_HANDOFF_CHANNEL not set';
  if (!s.signingSecret && !s.appToken) return 'SLACK_SIGNING_SECRET or SLACK_APP_TOKEN not set';
  return undefined;
}

/**
 * Builds the handoff desk: the service the engine calls, the safeguarding matcher, and
 * (when configured) the Slack app with its outbox worker. Without Slack the service still
 * works: handoffs queue in the database and residents are told an adviser will contact them.
 */
export function createHandoffs(o: HandoffsOptions): Handoffs {
  const missing = slackMissing(o.slack);
  const text = loadHandoffText(o.localesDir, o.defaultLocale);
  const calendar = { hours: o.officeHours, holidays: loadBankHolidays() };
  const safeguarding = createSafeguardingCheck(loadPhraseLists(path.join(o.flowsDir, 'safeguarding')), o.defaultLocale);
  const service = createHandoffService({
    db: o.db,
    engine: o.engine,
    text,
    calendar,
    escalationMinutes: o.escalationMinutes,
    slackEnabled: missing === undefined,
    notePrefix: o.slack.notePrefix,
    logger: o.logger.child({ module: 'handoffs' }),
    safeguarding,
  });
  let slack: SlackChannel | undefined;
  if (missing === undefined) {
    const s = o.slack;
    slack = createSlackApp({
      botToken: s.botToken!,
      ...(s.signingSecret ? { signingSecret: s.signingSecret } : {}),
      ...(s.appToken ? { appToken: s.appToken } : {}),
      handoffChannel: s.handoffChannel!,
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
    o.logger.info({ reason: missing }, 'slack: off; handoffs are queued in the database');
  }
  return {
    service,
    safeguarding,
    router: slack?.router,
    start: async () => slack?.start(),
    stop: async () => slack?.stop(),
    status: () => (slack ? slack.status() : { slack: 'off', reason: missing! }),
  };
}
