import { createActor, type Actor, type AnyMachineSnapshot, type AnyStateMachine, type Snapshot } from 'xstate';
import type { CompiledFlow, FlowEvent, Intent } from '../flows/compile.ts';

/**
 * A flow's machine driven one event at a time, with no I/O: each `send` returns the intents
 * the machine emitted (say, ask, call an action…) and the engine performs them. Compiled
 * machines invoke nothing, so every step is synchronous and testable without a database.
 *
 * @example
 * const run = new FlowRun(flow, undefined);
 * run.start();                      // → [{ type: 'say', … }, { type: 'ask', path: 'age' }]
 * run.send({ type: 'ANSWER', value: 30 });
 */
export class FlowRun {
  readonly #actor: Actor<AnyStateMachine>;
  #emitted: Intent[] = [];
  #failure: unknown;

  constructor(flow: CompiledFlow, snapshot: unknown) {
    this.#actor = createActor(flow.machine, snapshot ? { snapshot: snapshot as Snapshot<unknown> } : {});
    this.#actor.on('intent', (e: { intent: Intent }) => void this.#emitted.push(e.intent));
    this.#actor.subscribe({ error: (err) => (this.#failure = err) });
  }

  /** Starts the actor (entry intents of a new flow), then sends the event if any. */
  start(event?: FlowEvent): Intent[] {
    this.#actor.start();
    if (event) this.#actor.send(event);
    return this.#take();
  }

  send(event: FlowEvent): Intent[] {
    this.#actor.send(event);
    return this.#take();
  }

  get snapshot(): AnyMachineSnapshot {
    return this.#actor.getSnapshot();
  }

  get data(): Record<string, unknown> {
    return ((this.snapshot.context as { data?: Record<string, unknown> } | undefined)?.data ?? {}) as Record<string, unknown>;
  }

  /** What is stored for the next turn; call when the machine waits for input again. */
  persisted(): unknown {
    return this.#actor.getPersistedSnapshot();
  }

  stop(): void {
    this.#actor.stop();
  }

  #take(): Intent[] {
    if (this.#failure) throw this.#failure;
    const out = this.#emitted;
    this.#emitted = [];
    return out;
  }
}
