import type { ActionRegistry } from '../engine/actions.ts';
import { listLiveSnapshots, type LiveSnapshot } from '../store/conversationSnapshots.ts';
import type { Queryable } from '../store/db.ts';
import type { FlowSet } from './catalog.ts';
import { statePathsOf } from './statePaths.ts';
import type { FlowSource } from './flowSource.ts';
import { cannotRun } from './releases/cannotRun.ts';
import type { LiveImpact } from './releases/releaseTypes.ts';

export interface LiveReport {
  live: number;
  orphans: number;
  lines: string[];
}

type Outcome = LiveImpact['groups'][number]['outcome'];

/** What happens to one live conversation when `set` goes live, and the line `flows check --db` prints. */
export interface ConversationOutcome {
  id: string;
  flowId: string;
  version: string;
  /** The step it waits in (`about.age`). */
  step: string;
  outcome: Outcome;
  to?: string;
  reason?: string;
  /** Undefined for a conversation already on the new version. */
  line?: string;
}

async function outcomeOf(row: LiveSnapshot, set: FlowSet, old: Pick<FlowSource, 'get'>, q: Queryable, actions?: ActionRegistry): Promise<ConversationOutcome> {
  const states = statePathsOf(row.value);
  const base = { id: row.id, flowId: row.flowId, version: row.flowVersion, step: states.join(', ') };
  const live = set.flows.get(row.flowId);
  if (!live) {
    return { ...base, outcome: 'orphaned', reason: 'the flow was removed', line: `conversation ${row.id}: flow ${row.flowId} no longer exists` };
  }
  if (live.version === row.flowVersion) return { ...base, outcome: 'unchanged' };
  const migration = live.flow.migrations.find((m) => row.flowVersion.startsWith(m.from));
  const mapped = states.map((s) => s.split('.').map((p) => migration?.steps[p] ?? p).join('.'));
  const missing = mapped.filter((s) => !live.statePaths.has(s));
  if (migration && missing.length === 0) {
    return { ...base, outcome: 'migrates', to: mapped.join(', '), line: `conversation ${row.id}: moves to ${row.flowId}@${live.version} by the declared migration` };
  }
  if (migration) {
    const reason = `the migration from ${migration.from} does not map ${missing.join(', ')}`;
    return { ...base, outcome: 'orphaned', reason, line: `conversation ${row.id}: ${reason}` };
  }
  const stored = await old.get(row.flowId, row.flowVersion, q);
  if (stored) {
    const why = cannotRun(stored, set, actions);
    if (why) return { ...base, outcome: 'orphaned', reason: why, line: `conversation ${row.id}: would be orphaned (${row.flowId}@${row.flowVersion}: ${why})` };
    // The step it waits in reads the same in the new files: nothing changes for this resident now.
    const same = states.length > 0 && states.every((s) => JSON.stringify(stored.asks.get(s)) === JSON.stringify(live.asks.get(s)) && stored.asks.has(s));
    return { ...base, outcome: same ? 'unchanged' : 'stays', line: `conversation ${row.id}: stays on ${row.flowId}@${row.flowVersion} until it ends (no migration declared)` };
  }
  const reason = `${row.flowId}@${row.flowVersion} is not stored and no migration maps ${states.join(', ')}`;
  return { ...base, outcome: 'orphaned', reason, line: `conversation ${row.id}: would be orphaned (${reason})` };
}

/** What making `set` live would do to every live conversation (read through `q`; old versions through `old`). */
export async function liveOutcomes(q: Queryable, set: FlowSet, old: Pick<FlowSource, 'get'>, actions?: ActionRegistry): Promise<ConversationOutcome[]> {
  const out: ConversationOutcome[] = [];
  for (const row of await listLiveSnapshots(q)) out.push(await outcomeOf(row, set, old, q, actions));
  return out;
}

/** The studio's safety report: live conversations grouped by flow, version, waiting step and outcome. */
export async function liveImpact(q: Queryable, set: FlowSet, old: Pick<FlowSource, 'get'>, actions?: ActionRegistry): Promise<LiveImpact> {
  const outcomes = await liveOutcomes(q, set, old, actions);
  const groups = new Map<string, LiveImpact['groups'][number]>();
  for (const o of outcomes) {
    const key = JSON.stringify([o.flowId, o.version, o.step, o.outcome, o.to, o.reason]);
    const g = groups.get(key);
    if (g) g.residents++;
    else groups.set(key, { flowId: o.flowId, version: o.version, step: o.step, residents: 1, outcome: o.outcome, ...(o.to ? { to: o.to } : {}), ...(o.reason ? { reason: o.reason } : {}) });
  }
  const list = [...groups.values()].sort((a, b) => a.flowId.localeCompare(b.flowId) || a.version.localeCompare(b.version) || a.step.localeCompare(b.step));
  return { live: outcomes.length, groups: list, orphaned: outcomes.filter((o) => o.outcome === 'orphaned').length };
}

/**
 * `flows check --db`: for each live conversation on an older version of a flow, says whether
 * it can carry on (its old version is stored and still runs on the new files, or a declared
 * migration maps every state it is in) or would be orphaned by the flows about to go live.
 */
export async function checkLiveConversations(db: Queryable, set: FlowSet, catalog: Pick<FlowSource, 'get'>, actions?: ActionRegistry): Promise<LiveReport> {
  const outcomes = await liveOutcomes(db, set, catalog, actions);
  const lines = outcomes.flatMap((o) => (o.line ? [o.line] : []));
  const orphans = outcomes.filter((o) => o.outcome === 'orphaned').length;
  lines.push(`${outcomes.length} live conversation(s), ${orphans} would be orphaned`);
  return { live: outcomes.length, orphans, lines };
}
