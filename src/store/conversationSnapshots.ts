import type { Queryable } from './db.ts';

/**
 * Read-only looks at stored conversation snapshots, for the coordinator's tools (`flows
 * check --db`, flow tests). To fold into the conversations repository.
 */

export interface LiveSnapshot {
  id: string;
  flowId: string;
  flowVersion: string;
  /** The XState state value the conversation waits in. */
  value: unknown;
}

/** Every active conversation that has started a flow. */
export async function listLiveSnapshots(db: Queryable): Promise<LiveSnapshot[]> {
  const { rows } = await db.query<{ id: string; flow_id: string; flow_version: string; value: unknown }>(
    `SELECT id, flow_id, flow_version, snapshot->'value' AS value FROM conversations
      WHERE status = 'active' AND snapshot IS NOT NULL AND flow_id IS NOT NULL`,
  );
  return rows.map((r) => ({ id: r.id, flowId: r.flow_id, flowVersion: r.flow_version, value: r.value }));
}

/** One conversation's status and raw snapshot (undefined when there is no such conversation). */
export async function findConversationState(db: Queryable, id: string): Promise<{ status: string; snapshot: unknown } | undefined> {
  const { rows } = await db.query<{ status: string; snapshot: unknown }>('SELECT status, snapshot FROM conversations WHERE id = $1', [id]);
  return rows[0];
}
