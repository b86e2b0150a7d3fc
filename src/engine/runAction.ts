import type { Logger } from 'pino';
import { actionFailures } from '../metrics.ts';
import { turnContext, type ActionRegistry } from './actions.ts';

export class ActionError extends Error {
  constructor(
    readonly code: 'action_unknown' | 'action_params' | 'action_result' | 'action_timeout' | 'action_failed' | 'action_outside_turn',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Runs a domain action by name inside the current turn: parameters and result checked
 * with the action's zod schemas, bounded by a timeout. Failures are counted and logged
 * with the conversation id (never the parameters: they may be personal).
 */
export function makeActionRunner(registry: ActionRegistry, timeoutMs: number, logger: Logger) {
  return async (name: string, rawParams: Record<string, unknown>): Promise<unknown> => {
    const ctx = turnContext.getStore();
    const fail = (code: ActionError['code'], message: string, cause?: unknown): never => {
      actionFailures.inc({ action: name, reason: code });
      logger.warn({ conversationId: ctx?.conversationId, action: name, code, err: cause instanceof Error ? { message: cause.message, code: (cause as { code?: string }).code } : undefined }, 'domain action failed');
      throw new ActionError(code, message, { cause });
    };
    if (!ctx) return fail('action_outside_turn', `action ${name} ran outside a turn`);
    const action = registry.get(name);
    if (!action) return fail('action_unknown', `no action named ${name}`);
    const params = action.params.safeParse(rawParams);
    if (!params.success) return fail('action_params', `bad parameters for ${name}: ${params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        action.run(params.data, { ...ctx, signal: ac.signal }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            ac.abort();
            reject(new ActionError('action_timeout', `${name} took longer than ${timeoutMs} ms`));
          }, timeoutMs);
        }),
      ]);
      const checked = action.result.safeParse(result);
      if (!checked.success) return fail('action_result', `${name} returned an unexpected result`);
      return checked.data;
    } catch (err) {
      if (err instanceof ActionError && err.code !== 'action_timeout') throw err;
      return fail(err instanceof ActionError ? err.code : 'action_failed', `${name} failed`, err);
    } finally {
      clearTimeout(timer);
    }
  };
}
