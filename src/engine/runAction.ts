import type { Logger } from 'pino';
import { actionFailures } from '../metrics.ts';
import type { Tx } from '../store/db.ts';
import type { ActionContext, ActionRegistry } from './actions.ts';
import { actionTx } from './actionTx.ts';

export class ActionError extends Error {
  constructor(
    readonly code: 'action_unknown' | 'action_params' | 'action_result' | 'action_timeout' | 'action_failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The turn an action runs in: its facts and the turn's open transaction. */
export type ActionTurn = Omit<ActionContext, 'tx' | 'signal'> & { tx: Tx };

/** Runs a domain action by name in a turn; throws `ActionError` when it did not happen. */
export type ActionRunner = (name: string, params: Record<string, unknown>, turn: ActionTurn) => Promise<unknown>;

/**
 * Runs a domain action by name inside the turn's transaction: parameters and result checked
 * with the action's zod schemas, bounded by `timeoutMs`. What the action wrote is undone when
 * it fails (a savepoint); on a timeout the statement it is running is cancelled on the database
 * side and it may not issue another one, so no part of it commits later. Failures are counted
 * and logged with the conversation id (never the parameters: they may be personal).
 */
export function makeActionRunner(registry: ActionRegistry, timeoutMs: number, logger: Logger): ActionRunner {
  return async (name, rawParams, turn) => {
    const fail = (code: ActionError['code'], message: string, cause?: unknown): never => {
      actionFailures.inc({ action: name, reason: code });
      logger.warn({ conversationId: turn.conversationId, action: name, code, err: cause instanceof Error ? { message: cause.message, code: (cause as { code?: string }).code } : undefined }, 'domain action failed');
      throw new ActionError(code, message, { cause });
    };
    const action = registry.get(name);
    if (!action) return fail('action_unknown', `no action named ${name}`);
    const params = action.params.safeParse(rawParams);
    if (!params.success) return fail('action_params', `bad parameters for ${name}: ${params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const ac = new AbortController();
    const tx = actionTx(turn.tx, ac.signal);
    let timer: NodeJS.Timeout | undefined;
    const running = action.run(params.data, { ...turn, tx: tx.handle, signal: ac.signal });
    // The action may still settle after a timeout: its rejection is expected, not unhandled.
    running.catch(() => undefined);
    try {
      const result = await Promise.race([
        running,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ActionError('action_timeout', `${name} took longer than ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      const checked = action.result.safeParse(result);
      if (!checked.success) {
        await tx.undo();
        return fail('action_result', `${name} returned an unexpected result`);
      }
      return checked.data;
    } catch (err) {
      if (err instanceof ActionError && err.code === 'action_result') throw err;
      ac.abort();
      if (err instanceof ActionError && err.code === 'action_timeout') await turn.tx.cancel();
      await tx.undo();
      return fail(err instanceof ActionError ? err.code : 'action_failed', `${name} failed`, err);
    } finally {
      clearTimeout(timer);
    }
  };
}
