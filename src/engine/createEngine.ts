import type { Logger } from 'pino';
import type { FlowCatalog } from '../flows/catalog.ts';
import { turnLatency, turnsTotal } from '../metrics.ts';
import { appendReplies, loadForTurn, writeTurn } from '../store/conversations.ts';
import type { Db, Tx } from '../store/db.ts';
import { KeyedMutex } from '../store/mutex.ts';
import { commandOf } from './commandOf.ts';
import { EngineError } from './flowPosition.ts';
import { runSteps, type TurnStep } from './pipeline.ts';
import { MESSAGES_CHANNEL, type Engine, type HandoffService, type SafeguardingCheck, type TurnOutcome } from './port.ts';
import { reask } from './reask.ts';
import { Renderer } from './render.ts';
import type { Reply } from './reply.ts';
import type { ActionRunner } from './runAction.ts';
import { answerParsing } from './steps/answerParsing.ts';
import { consent } from './steps/consent.ts';
import { globalCommands } from './steps/globalCommands.ts';
import { handoffRouting } from './steps/handoffRouting.ts';
import { inactivity } from './steps/inactivity.ts';
import { language } from './steps/language.ts';
import { machine } from './steps/machine.ts';
import { privacyCommands } from './steps/privacyCommands.ts';
import { refuseFiles } from './steps/refuseFiles.ts';
import { safeguarding } from './steps/safeguarding.ts';
import { parseTurn, type Turn } from './turn.ts';
import type { EngineDeps, Eraser, TurnState } from './turnState.ts';

export { EngineError } from './flowPosition.ts';

/** The steps of every turn, in order. Privacy and safety come before a handoff can swallow the message. */
export const turnSteps: readonly TurnStep[] = [
  refuseFiles,
  privacyCommands,
  safeguarding,
  handoffRouting,
  globalCommands,
  language,
  inactivity,
  answerParsing,
  machine,
  consent,
];

export interface EngineOptions {
  db: Db;
  catalog: FlowCatalog;
  logger: Logger;
  /** Runs domain actions (validated, time-limited, undone on failure): `makeActionRunner`. */
  runAction: ActionRunner;
  /** The flow a new conversation starts (default `main`). */
  startFlow?: string;
  defaultLocale?: string;
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

/** Turn-level outcome: `recovered` = rolled back, the resident told it did not go through. */
type Outcome = TurnOutcome & { outcome: 'ok' | 'duplicate' | 'recovered' };

/**
 * The engine: one turn = one transaction, owned here, on both drivers. The transaction opens
 * with the load (conversation row locked, activity id looked up) and commits with the write
 * (state, transcript, dedupe record, NOTIFY); everything between — domain actions, handoff
 * events — goes through the same handle. A turn that fails rolls back whole; the resident's
 * message is then stored with an honest apology in a second, small transaction.
 */
export function createEngine(opts: EngineOptions): Engine & { readonly db: Db } {
  const { db, catalog, logger } = opts;
  const defaultLocale = opts.defaultLocale ?? 'en';
  const statementTimeoutMs = opts.statementTimeoutMs ?? 10_000;
  const deps: EngineDeps = {
    catalog,
    logger,
    startFlow: opts.startFlow ?? 'main',
    inactivityMinutes: opts.inactivityMinutes,
    handoffs: opts.handoffs,
    safeguarding: opts.safeguarding,
    erasers: opts.erasers ?? [],
    runAction: opts.runAction,
  };
  // Turns of one conversation queue here first, so they do not hold pool connections waiting on its row lock.
  const perConversation = new KeyedMutex();

  async function begin(tx: Tx, turn: Turn): Promise<TurnState | Reply[]> {
    const loaded = await loadForTurn(tx, {
      conversationId: turn.conversationId,
      channel: turn.channel,
      userId: turn.user.id,
      locale: turn.locale ?? defaultLocale,
      activityId: turn.activityId,
    });
    if (loaded.duplicateReplies) return loaded.duplicateReplies as Reply[];
    const conv = loaded.conversation;
    const flows = catalog.current;
    const locale = conv.created && turn.locale && flows.translator.languages.includes(turn.locale) ? turn.locale : conv.locale;
    return {
      turn,
      tx,
      conv,
      flows,
      deps,
      locale,
      r: new Renderer(flows.translator, locale),
      replies: [],
      changes: locale !== conv.locale ? { locale } : {},
      keepInbound: true,
      eraseMessages: false,
      commandMatched: false,
    };
  }

  /** Round trip 2: the conversation's changes, the transcript, the dedupe record, NOTIFY, COMMIT. */
  async function finish(t: TurnState): Promise<TurnOutcome> {
    // Numbers keep rising even after an erase: an open stream's watermark must not skip what follows.
    let seq = t.conv.last_seq;
    const messages: Array<{ seq: number; direction: 'in' | 'out'; activityId: string | null; body: unknown }> = [];
    if (t.keepInbound) {
      const { turn } = t;
      messages.push({
        seq: ++seq,
        direction: 'in',
        activityId: turn.activityId,
        body: { text: turn.text, value: turn.value, userId: turn.user.id, userName: turn.user.name, clientActivityId: turn.clientActivityId },
      });
    }
    for (const reply of t.replies) messages.push({ seq: ++seq, direction: 'out', activityId: null, body: reply });
    await writeTurn(t.tx, {
      conversationId: t.conv.id,
      activityId: t.turn.activityId,
      set: t.changes,
      lastSeq: seq,
      at: t.turn.receivedAt,
      replies: t.replies,
      messages,
      eraseMessages: t.eraseMessages,
      notifyChannel: MESSAGES_CHANNEL,
    });
    return { replies: t.replies, duplicate: false, seqs: messages.map((m) => m.seq) };
  }

  async function turnIn(tx: Tx, turn: Turn): Promise<Outcome> {
    const t = await begin(tx, turn);
    if (Array.isArray(t)) return { replies: t, duplicate: true, seqs: [], outcome: 'duplicate' };
    await runSteps(turnSteps, t);
    return { ...(await finish(t)), outcome: 'ok' };
  }

  /**
   * After a rolled-back turn: if the turn committed after all (the connection broke during
   * COMMIT), its stored replies are the answer; otherwise the message is kept with an apology
   * and the question again, and nothing else changes.
   */
  async function recover(tx: Tx, turn: Turn): Promise<Outcome> {
    const t = await begin(tx, turn);
    if (Array.isArray(t)) return { replies: t, duplicate: false, seqs: [], outcome: 'ok' };
    t.replies.push(t.r.text('engine.actionFailed'));
    await reask(t).catch(() => undefined);
    // "Delete my data" that failed keeps nothing it was asked to delete, not even the request.
    t.keepInbound = commandOf(t)?.do !== 'deleteData';
    return { ...(await finish(t)), outcome: 'recovered' };
  }

  async function handleTurn(raw: Turn): Promise<TurnOutcome> {
    const turn = parseTurn(raw);
    const started = process.hrtime.bigint();
    let outcome = 'failed';
    try {
      const result = await perConversation.run(turn.conversationId, async () => {
        try {
          return await db.transaction((tx) => turnIn(tx, turn), { statementTimeoutMs });
        } catch (err) {
          logger.warn({ conversationId: turn.conversationId, err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'turn rolled back');
          if (err instanceof EngineError && err.code === 'flow_missing') throw err;
          try {
            return await db.transaction((tx) => recover(tx, turn), { statementTimeoutMs });
          } catch (again) {
            throw new EngineError('turn_failed', 'the message could not be stored; the channel should say it was not sent', { cause: again });
          }
        }
      });
      outcome = result.outcome;
      logger.info({ conversationId: turn.conversationId, channel: turn.channel, outcome, replies: result.replies.length }, 'turn');
      return { replies: result.replies, duplicate: result.duplicate, seqs: result.seqs };
    } catch (err) {
      logger.error({ conversationId: turn.conversationId, err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'turn failed');
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
