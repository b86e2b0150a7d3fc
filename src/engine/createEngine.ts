import type { Logger } from 'pino';
import type { LiveLanguagesSetting } from '../languages/live.ts';
import type { FlowSource } from '../flows/flowSource.ts';
import { turnLatency, turnsTotal } from '../metrics.ts';
import { appendReplies } from '../store/conversations.ts';
import type { Db } from '../store/db.ts';
import { KeyedMutex } from '../store/mutex.ts';
import { EngineError } from './flowPosition.ts';
import { MESSAGES_CHANNEL, type Engine, type HandoffService, type SafeguardingCheck, type TurnOutcome } from './port.ts';
import type { Reply } from './reply.ts';
import type { ActionRunner } from './runAction.ts';
import { parseTurn, type Turn } from './turn.ts';
import { recoverTurn, runTurn } from './runTurn.ts';
import type { EngineDeps, Eraser } from './turnState.ts';

export { EngineError } from './flowPosition.ts';

export interface EngineOptions {
  db: Db;
  catalog: FlowSource;
  logger: Logger;
  /** Runs domain actions (validated, time-limited, undone on failure): `makeActionRunner`. */
  runAction: ActionRunner;
  /** The flow a new conversation starts (default `main`). */
  startFlow?: string;
  defaultLocale?: string;
  /** LANGUAGES_LIVE (default `all`): the languages offered, detected and named. */
  languagesLive?: LiveLanguagesSetting;
  inactivityMinutes?: number;
  handoffs?: HandoffService;
  safeguarding?: SafeguardingCheck;
  /** Extra erasure for "delete my data" (domain rows), run in the turn's transaction. */
  erasers?: Eraser[];
  /**
   * The database's own limit on any statement or lock wait of a turn (`SET LOCAL
   * statement_timeout`): a backstop behind the action timeout. Default 10 s.
   */
  statementTimeoutMs?: number;
}

/**
 * The engine: one turn = one transaction, owned here, on both drivers. The transaction opens
 * with the load (conversation row locked, activity id looked up) and commits with the write
 * (state, transcript, dedupe record, NOTIFY); everything between — domain actions, handoff
 * events — goes through the same handle. A turn that fails rolls back whole; the resident's
 * message is then stored with an honest apology in a second, small transaction.
 */
export function createEngine(opts: EngineOptions): Engine & { readonly db: Db } {
  const { db, catalog, logger } = opts;
  const statementTimeoutMs = opts.statementTimeoutMs ?? 10_000;
  const deps: EngineDeps = {
    catalog,
    logger,
    startFlow: opts.startFlow ?? 'main',
    defaultLocale: opts.defaultLocale ?? 'en',
    inactivityMinutes: opts.inactivityMinutes,
    handoffs: opts.handoffs,
    safeguarding: opts.safeguarding,
    erasers: opts.erasers ?? [],
    runAction: opts.runAction,
    languagesLive: opts.languagesLive ?? 'all',
  };
  // Turns of one conversation queue here first, so they do not hold pool connections waiting on its row lock.
  const perConversation = new KeyedMutex();

  async function handleTurn(raw: Turn): Promise<TurnOutcome> {
    const turn = parseTurn(raw);
    const started = process.hrtime.bigint();
    let outcome = 'failed';
    try {
      const result = await perConversation.run(turn.conversationId, async () => {
        try {
          return await db.transaction((tx) => runTurn(tx, turn, deps), { statementTimeoutMs });
        } catch (err) {
          // The logger's error serializer keeps a database error's code and constraint, never its values.
          logger.warn({ conversationId: turn.conversationId, err }, 'turn rolled back');
          if (err instanceof EngineError && err.code === 'flow_missing') throw err;
          try {
            return await db.transaction((tx) => recoverTurn(tx, turn, deps), { statementTimeoutMs });
          } catch (again) {
            throw new EngineError('turn_failed', 'the message could not be stored; the channel should say it was not sent', { cause: again });
          }
        }
      });
      outcome = result.outcome;
      logger.info({ conversationId: turn.conversationId, channel: turn.channel, outcome, replies: result.replies.length }, 'turn');
      return { replies: result.replies, duplicate: result.duplicate, written: result.written };
    } catch (err) {
      logger.error({ conversationId: turn.conversationId, err }, 'turn failed');
      throw err;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      turnLatency.observe({ channel: turn.channel, outcome }, seconds);
      turnsTotal.inc({ channel: turn.channel, outcome });
    }
  }

  async function sendProactive(conversationId: string, replies: Reply[]): Promise<number[]> {
    return perConversation.run(conversationId, () => db.transaction((tx) => appendReplies(tx, conversationId, replies, MESSAGES_CHANNEL)));
  }

  return { db, handleTurn, sendProactive };
}
