/**
 * The real engine on the shipped flows, wording and data files, with the handoff desk: what the
 * end-to-end tests of the journey, handoffs and privacy drive. Only what lies outside
 * (postcodes.io, Slack's Web API) is stood in for, by the test, with nock.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { createHandoffs, type Handoffs, type HandoffsOptions } from '../../src/channels/slack/createHandoffs.ts';
import { loadConfig } from '../../src/config.ts';
import { allActions } from '../../src/domain/allActions.ts';
import { handoffSettings } from '../../src/domain/handoffs/handoffSettings.ts';
import { ActionRegistry } from '../../src/engine/actions.ts';
import { createEngine } from '../../src/engine/createEngine.ts';
import type { Engine } from '../../src/engine/port.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { makeActionRunner } from '../../src/engine/runAction.ts';
import type { Eraser } from '../../src/engine/turnState.ts';
import { FlowCatalog } from '../../src/flows/catalog.ts';
import type { Db } from '../../src/store/db.ts';
import { silent } from './flowDir.ts';

/** Office hours that are always open: a handoff waits for an adviser, never for the morning. */
export const ALWAYS_OPEN = handoffSettings.HANDOFF_OFFICE_HOURS.schema.parse(
  JSON.stringify({ default: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])) }),
);

/** The handoff desk on the shipped wording and phrase lists; Slack only when `slack` names it. */
export function testDesk(db: Db, slack: Omit<HandoffsOptions['slack'], 'notePrefix'> = {}, logger: Logger = silent): Handoffs {
  return createHandoffs({
    db,
    logger,
    localesDir: path.resolve('locales'),
    flowsDir: path.resolve('flows'),
    defaultLocale: 'en',
    officeHours: ALWAYS_OPEN,
    escalationMinutes: 15,
    slack: { notePrefix: 'note:', ...slack },
  });
}

export interface ShippedEngine {
  engine: Engine;
  catalog: FlowCatalog;
  actions: ActionRegistry;
  /** One typed message (or pressed value) from `conversationId`; its replies. */
  send(conversationId: string, text?: string, value?: unknown): Promise<Reply[]>;
}

let activity = 0;

/**
 * The engine with every domain action, the shipped flows loaded (a problem in them fails the
 * test), wording in the resident's language, and the desk's handoffs and safeguarding if given.
 */
export async function shippedEngine(
  db: Db,
  opts: { env?: Record<string, string>; desk?: Handoffs; erasers?: Eraser[]; actionTimeoutMs?: number; logger?: Logger } = {},
): Promise<ShippedEngine> {
  const logger = opts.logger ?? silent;
  const config = loadConfig(opts.env ?? {});
  const ref: { catalog?: FlowCatalog } = {};
  const actions = new ActionRegistry().register(...(await allActions(config, { translate: (k, p, l) => String(ref.catalog!.current.translator.t(l)(k, p)) })));
  const catalog = new FlowCatalog({ flowsDir: 'flows', localesDir: 'locales', actions }, db);
  ref.catalog = catalog;
  const loaded = await catalog.reload();
  if (!loaded.ok) throw new Error(`shipped flows do not load: ${loaded.problems.map((p) => p.message).join('; ')}`);
  const engine = createEngine({
    db,
    catalog,
    logger,
    runAction: makeActionRunner(actions, opts.actionTimeoutMs ?? 5000, logger),
    ...(opts.desk ? { handoffs: opts.desk.service, safeguarding: opts.desk.safeguarding } : {}),
    ...(opts.erasers ? { erasers: opts.erasers } : {}),
  });
  const send = async (conversationId: string, text?: string, value?: unknown) =>
    (await engine.handleTurn({ conversationId, channel: 'test', activityId: `se${++activity}`, user: { id: conversationId }, text, value, receivedAt: new Date() })).replies;
  return { engine, catalog, actions, send };
}
