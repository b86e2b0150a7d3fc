import { AppError } from '../errors.ts';
import type { Logger } from 'pino';
import type { FlowSet } from '../flows/catalog.ts';
import type { FlowSource } from '../flows/flowSource.ts';
import { statePathsOf } from '../flows/statePaths.ts';
import { cannotRun } from '../flows/releases/cannotRun.ts';
import type { CompiledFlow } from '../flows/compile.ts';
import type { Queryable } from '../store/db.ts';
import type { AskStep } from '../flows/schema.ts';
import type { FlowPosition, TurnState } from './turnState.ts';

/** The engine's failures, with codes in the one table of `errors.ts` (400 for `turn_invalid`, 503 otherwise). */
export class EngineError extends AppError {
  constructor(code: 'flow_missing' | 'turn_invalid' | 'turn_failed', message: string, options?: { cause?: unknown }) {
    super(code, message, options?.cause === undefined ? {} : { cause: options.cause });
    this.name = 'EngineError';
  }
}

/** Rewrites state ids of a stored snapshot's value through a declared migration. */
function mapValue(value: unknown, steps: Record<string, string>): unknown {
  if (typeof value === 'string') return steps[value] ?? value;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [steps[k] ?? k, mapValue(v, steps)]));
  }
  return value;
}

/** What a position is read from: a stored conversation's flow fields. */
export interface StoredPosition {
  id: string;
  flow_id: string | null;
  flow_version: string | null;
  snapshot: unknown;
  status: string;
}

/**
 * Where a stored conversation's flow stands: a new conversation, one on the live version, one
 * moved by a declared migration, or one kept on the version it started on (read through `tx`).
 * An ended conversation starts afresh. One midway whose flow is gone, whose version is not
 * stored, or whose version cannot run on the live files (its wording gone) is `orphaned`: it
 * starts the live flow afresh, and the turn says why (`steps/flowChanged.ts`). Undefined when neither its flow nor `startFlow` exists.
 * Used by the turn (`flowPosition`) and outside it (an adviser's "Return to bot").
 */
export async function resolvePosition(
  conv: StoredPosition,
  o: { flows: FlowSet; catalog: FlowSource; startFlow: string; tx: Queryable; logger: Logger },
): Promise<FlowPosition | undefined> {
  const live = o.flows.flows.get(conv.flow_id ?? o.startFlow) ?? o.flows.flows.get(o.startFlow);
  if (!live) return undefined;
  const midway = conv.status !== 'ended' && Boolean(conv.snapshot);
  let position: FlowPosition;
  if (midway && conv.flow_id && conv.flow_id !== live.id) {
    // Its flow is gone from the live release.
    position = { flow: live, snapshot: undefined, orphaned: `flow ${conv.flow_id} was removed` };
  } else if (!conv.snapshot || !conv.flow_version || conv.flow_id !== live.id || conv.flow_version === live.version) {
    position = { flow: live, snapshot: conv.flow_id === live.id ? conv.snapshot : undefined };
  } else {
    const version = conv.flow_version;
    const migration = live.flow.migrations.find((m) => version.startsWith(m.from));
    const snap = conv.snapshot as { value: unknown };
    const moved = migration ? mapValue(snap.value, migration.steps) : undefined;
    const unmapped = migration ? statePathsOf(moved).filter((s) => !live.statePaths.has(s)) : [];
    if (migration && unmapped.length === 0) {
      position = { flow: live, snapshot: { ...snap, value: moved } };
    } else if (migration) {
      // A migration that leaves the resident's step unmapped would restore a state the live flow
      // does not have (every turn would fail): orphaned, as the publish report said.
      o.logger.warn({ conversationId: conv.id, flowId: conv.flow_id, version }, 'conversation orphaned: the declared migration does not map its step');
      position = { flow: live, snapshot: undefined, ...(midway ? { orphaned: `the migration from ${migration.from} does not map ${unmapped.join(', ')}` } : {}) };
    } else {
      const old = await o.catalog.get(live.id, version, o.tx);
      const cannot = old ? cannotRun(old, o.flows) : `version ${version} is not stored`;
      if (old && !cannot) position = { flow: old, snapshot: conv.snapshot };
      else {
        // The `flowChanged` step tells the resident and applies the live release's orphan policy.
        o.logger.warn({ conversationId: conv.id, flowId: conv.flow_id, version }, 'conversation orphaned by the live flow release');
        position = { flow: live, snapshot: undefined, ...(midway ? { orphaned: cannot ?? 'cannot run' } : {}) };
      }
    }
  }
  return conv.status === 'ended' ? { ...position, snapshot: undefined } : position;
}

/** Where the turn's conversation stands (memoised on the turn); see `resolvePosition`. */
export async function flowPosition(t: TurnState): Promise<FlowPosition> {
  if (t.position) return t.position;
  const { deps } = t;
  const position = await resolvePosition(t.conv, { flows: t.flows, catalog: deps.catalog, startFlow: deps.startFlow, tx: t.tx, logger: deps.logger });
  if (!position) throw new EngineError('flow_missing', `no flow named ${deps.startFlow}`);
  t.position = position;
  return position;
}

/** Starts the conversation's flow afresh this turn ("start again"). */
export function restartFlow(t: TurnState): void {
  const live = t.flows.flows.get(t.deps.startFlow);
  if (!live) throw new EngineError('flow_missing', `no flow named ${t.deps.startFlow}`);
  t.position = { flow: live, snapshot: undefined };
}

/**
 * The ask step a stored snapshot waits in, read from its state value (`age` or
 * `{ about: 'age' }` → `about.age`) without restoring an actor.
 */
export function waitingAsk(snapshot: unknown, flow: CompiledFlow): (AskStep & { id: string }) | undefined {
  let value = (snapshot as { value?: unknown } | undefined)?.value;
  const path: string[] = [];
  while (value && typeof value === 'object') {
    const [k, v] = Object.entries(value)[0] ?? [];
    if (k === undefined) return undefined;
    path.push(k);
    value = v;
  }
  if (typeof value !== 'string') return undefined;
  return flow.asks.get([...path, value].join('.'));
}
