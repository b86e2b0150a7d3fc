import { assign, emit, setup, type AnyStateMachine } from 'xstate';
import { evaluate, resolveParams, type Data } from './conditions.ts';
import type { AskStep, Condition, Flow, Next, Step } from './schema.ts';

/**
 * What a flow asks the engine to show or do. The machine emits these; the engine
 * translates keys in the conversation's language and performs the effects.
 */
export type Intent =
  | { type: 'say'; keys: string[]; params: Data; card?: Step & { kind: 'say' } extends { card?: infer C } ? C : never }
  | { type: 'ask'; path: string }
  | { type: 'hint'; path: string; hint: string; params: Data }
  | { type: 'offerPerson'; reason: 'failed_answers' }
  | { type: 'handoff'; reason: 'flow_step' | 'failed_answers' }
  | { type: 'end'; how: 'completed' | 'stopped' | 'handoff' }
  /**
   * Run a domain action. The machine waits (tag `awaitingAction`) until the engine sends
   * `action.done` with the result or `action.failed`; it never runs the action itself.
   */
  | { type: 'call'; action: string; params: Data };

export type FlowEvent =
  | { type: 'ANSWER'; value: unknown }
  | { type: 'INVALID'; hint: string; params?: Data }
  | { type: 'action.done'; output: unknown }
  | { type: 'action.failed'; code: string };

export interface FlowContext {
  data: Data;
  tries: number;
}

export interface CompiledFlow {
  id: string;
  version: string;
  flow: Flow;
  machine: AnyStateMachine;
  /** Ask steps by the state path the machine waits in (e.g. `age` or `contact.email`). */
  asks: Map<string, AskStep & { id: string }>;
  /** Every state path of the machine (migrations are checked against these). */
  statePaths: Set<string>;
}

export interface CompileOptions {
  /** Other flows by id, for `use:` steps. */
  flows: ReadonlyMap<string, Flow>;
}

const FAILED = '__failed';
const ROUTE = '__route';
/** Failed answers before the fallback runs. */
export const MAX_TRIES = 3;

type StateConfig = Record<string, unknown>;

function routeOf(next: Exclude<Next, string>): StateConfig[] {
  return next.map((n) =>
    'if' in n ? { guard: { type: 'cond', params: { condition: n.if } }, target: n.goto } : { target: n.goto },
  );
}

/** Pure: builds the XState v5 machine for a flow (sub-flows inlined as compound states). */
export function compileFlow(flow: Flow, version: string, opts: CompileOptions): CompiledFlow {
  const asks = new Map<string, AskStep & { id: string }>();
  const statePaths = new Set<string>();
  const rootId = `flow_${flow.id}`;

  const compileStates = (f: Flow, prefix: string, stack: string[], isSub: boolean): Record<string, StateConfig> => {
    const states: Record<string, StateConfig> = {};
    f.order.forEach((id, i) => {
      const step = f.steps.get(id)!;
      const path = prefix ? `${prefix}.${id}` : id;
      statePaths.add(path);
      const following = f.order[i + 1];
      const next: Next | undefined = 'next' in step && step.next ? step.next : following;
      const conditional = Array.isArray(next);
      if (conditional) {
        states[`${id}${ROUTE}`] = { always: routeOf(next) };
        statePaths.add(`${path}${ROUTE}`);
      }
      const target = conditional ? `${id}${ROUTE}` : next;
      const fallback = ('fallback' in step && step.fallback) || f.fallback;

      switch (step.kind) {
        case 'say':
          states[id] = {
            entry: { type: 'say', params: { keys: [step.say].flat(), params: step.params ?? {}, card: step.card } },
            ...(target ? { always: target } : {}),
          };
          break;
        case 'ask':
          asks.set(path, { ...step, id });
          states[id] = {
            tags: ['awaitingInput'],
            meta: { ask: path },
            entry: { type: 'ask', params: { path } },
            on: {
              ANSWER: { actions: [{ type: 'storeAnswer', params: { name: step.ask } }, 'resetTries'], target },
              INVALID: [
                { guard: 'triesLeft', actions: ['countTry', { type: 'hint', params: { path } }] },
                fallback
                  ? { actions: ['resetTries'], target: fallback }
                  : { actions: ['resetTries', { type: 'offerPerson' }] },
              ],
            },
          };
          break;
        case 'branch':
          states[id] = {
            always: step.branch.map((b) =>
              'if' in b ? { guard: { type: 'cond', params: { condition: b.if } }, target: b.goto } : { target: b.else },
            ),
          };
          break;
        case 'call': {
          // An intent, not an invoked actor: the engine runs the action in the turn's transaction
          // and answers with an event, so the machine stays pure (no I/O, no promises).
          states[id] = {
            tags: ['awaitingAction'],
            entry: { type: 'call', params: { action: step.call, params: step.params ?? {} } },
            on: {
              'action.done': { target, actions: step.result ? [{ type: 'storeResult', params: { name: step.result } }] : [] },
              'action.failed': step.onError ? { target: step.onError } : { target: `#${rootId}.${FAILED}` },
            },
          };
          break;
        }
        case 'use': {
          const sub = opts.flows.get(step.use);
          if (!sub) throw new Error(`flow ${f.id}: step ${id} uses unknown flow ${step.use}`);
          if (stack.includes(sub.id)) throw new Error(`flow ${f.id}: step ${id} uses ${sub.id} inside itself`);
          states[id] = {
            initial: sub.start,
            states: compileStates(sub, path, [...stack, sub.id], true),
            ...(target ? { onDone: target } : {}),
          };
          break;
        }
        case 'goto':
          states[id] = { always: step.goto };
          break;
        case 'end': {
          const how = step.end === true ? 'completed' : step.end;
          const entry: StateConfig[] = [];
          if (step.say) entry.push({ type: 'say', params: { keys: [step.say].flat(), params: {} } });
          if (step.handoff) entry.push({ type: 'handoff', params: { reason: 'flow_step' } });
          if (!isSub) entry.push({ type: 'end', params: { how } });
          states[id] = { type: 'final', entry };
          break;
        }
        default: {
          const never: never = step;
          throw new Error(`unknown step ${JSON.stringify(never)}`);
        }
      }
    });
    return states;
  };

  const states = compileStates(flow, '', [flow.id], false);
  states[FAILED] = { tags: ['actionFailed'] };

  const machine = setup({
    types: {} as { context: FlowContext; events: FlowEvent; emitted: { type: 'intent'; intent: Intent } },
    actions: {
      say: emit((_: unknown, p: { keys: string[]; params: Data; card?: unknown }) => ({
        type: 'intent' as const,
        intent: { type: 'say', keys: p.keys, params: p.params, card: p.card } as Intent,
      })),
      ask: emit((_: unknown, p: { path: string }) => ({ type: 'intent' as const, intent: { type: 'ask', path: p.path } as Intent })),
      hint: emit(({ event }: { event: FlowEvent }, p: { path: string }) => ({
        type: 'intent' as const,
        intent: {
          type: 'hint',
          path: p.path,
          hint: event.type === 'INVALID' ? event.hint : 'answers.hint.choice',
          params: event.type === 'INVALID' ? (event.params ?? {}) : {},
        } as Intent,
      })),
      offerPerson: emit(() => ({ type: 'intent' as const, intent: { type: 'offerPerson', reason: 'failed_answers' } as Intent })),
      handoff: emit((_: unknown, p: { reason: 'flow_step' | 'failed_answers' }) => ({
        type: 'intent' as const,
        intent: { type: 'handoff', reason: p.reason } as Intent,
      })),
      end: emit((_: unknown, p: { how: 'completed' | 'stopped' | 'handoff' }) => ({
        type: 'intent' as const,
        intent: { type: 'end', how: p.how } as Intent,
      })),
      storeAnswer: assign(({ context, event }, p: { name: string }) => ({
        data: { ...context.data, [p.name]: event.type === 'ANSWER' ? event.value : undefined },
      })),
      storeResult: assign(({ context, event }, p: { name: string }) => ({
        data: { ...context.data, [p.name]: event.type === 'action.done' ? event.output : undefined },
      })),
      call: emit(({ context }: { context: FlowContext }, p: { action: string; params: Data }) => ({
        type: 'intent' as const,
        intent: { type: 'call', action: p.action, params: resolveParams(p.params, context.data) } as Intent,
      })),
      countTry: assign(({ context }) => ({ tries: context.tries + 1 })),
      resetTries: assign(() => ({ tries: 0 })),
    },
    guards: {
      cond: ({ context }, p: { condition: Condition }) => evaluate(p.condition, context.data),
      triesLeft: ({ context }) => context.tries + 1 < MAX_TRIES,
    },
  }).createMachine({
    id: rootId,
    initial: flow.start,
    context: { data: {}, tries: 0 },
    states: states as never,
  });

  return { id: flow.id, version, flow, machine: machine as unknown as AnyStateMachine, asks, statePaths };
}
