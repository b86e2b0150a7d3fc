import { z } from 'zod';
import type { Queryable } from '../store/db.ts';

/** What a domain action may know about the turn it runs in. */
export interface ActionContext {
  conversationId: string;
  activityId: string;
  channel: string;
  userId: string;
  locale: string;
  /** The turn's own transaction (both drivers): effects commit or roll back with the turn. */
  tx: Queryable;
  now: Date;
  signal: AbortSignal;
}

/**
 * A domain action a flow can `call` by name. Parameters and result are zod schemas:
 * the flow checker validates literal parameters at load time, the engine validates
 * everything at run time.
 */
export interface DomainAction<P extends z.ZodObject = z.ZodObject, R extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  params: P;
  result: R;
  run(params: z.output<P>, ctx: ActionContext): Promise<z.output<R>>;
}

export function defineAction<P extends z.ZodObject, R extends z.ZodType>(a: DomainAction<P, R>): DomainAction<P, R> {
  return a;
}

export class ActionRegistry {
  readonly #actions = new Map<string, DomainAction>();

  register(...actions: DomainAction[]): this {
    for (const a of actions) {
      if (this.#actions.has(a.name)) throw new Error(`action ${a.name} registered twice`);
      this.#actions.set(a.name, a as DomainAction);
    }
    return this;
  }

  get(name: string): DomainAction | undefined {
    return this.#actions.get(name);
  }

  names(): string[] {
    return [...this.#actions.keys()].sort();
  }
}
