import { listLiveSnapshots } from '../store/conversationSnapshots.ts';
import type { Queryable } from '../store/db.ts';
import type { FlowCatalog, FlowSet } from './catalog.ts';

export interface LiveReport {
  live: number;
  orphans: number;
  lines: string[];
}

/** Every state path a stored snapshot value is in (`{about: 'age'}` → `about.age`). */
function leaves(v: unknown, prefix = ''): string[] {
  if (typeof v === 'string') return [`${prefix}${v}`];
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leaves(x, `${prefix}${k}.`));
  return [];
}

/**
 * `flows check --db`: for each live conversation on an older version of a flow, says whether
 * it can carry on (its old version is stored, or a declared migration maps every state it is
 * in) or would be orphaned by the flows about to go live.
 */
export async function checkLiveConversations(db: Queryable, set: FlowSet, catalog: FlowCatalog): Promise<LiveReport> {
  const rows = await listLiveSnapshots(db);
  const lines: string[] = [];
  let orphans = 0;
  for (const row of rows) {
    const live = set.flows.get(row.flowId);
    if (live?.version === row.flowVersion) continue;
    if (!live) {
      orphans++;
      lines.push(`conversation ${row.id}: flow ${row.flowId} no longer exists`);
      continue;
    }
    const migration = live.flow.migrations.find((m) => row.flowVersion.startsWith(m.from));
    const states = leaves(row.value).map((s) => s.split('.').map((p) => migration?.steps[p] ?? p).join('.'));
    const missing = states.filter((s) => !live.statePaths.has(s));
    if (migration && missing.length === 0) {
      lines.push(`conversation ${row.id}: moves to ${row.flowId}@${live.version} by the declared migration`);
      continue;
    }
    if (migration) {
      orphans++;
      lines.push(`conversation ${row.id}: the migration from ${migration.from} does not map ${missing.join(', ')}`);
      continue;
    }
    if (await catalog.get(row.flowId, row.flowVersion)) {
      lines.push(`conversation ${row.id}: stays on ${row.flowId}@${row.flowVersion} until it ends (no migration declared)`);
      continue;
    }
    orphans++;
    lines.push(`conversation ${row.id}: would be orphaned (${row.flowId}@${row.flowVersion} is not stored and no migration maps ${states.join(', ')})`);
  }
  lines.push(`${rows.length} live conversation(s), ${orphans} would be orphaned`);
  return { live: rows.length, orphans, lines };
}
