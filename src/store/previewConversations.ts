import type { Queryable } from './db.ts';

/**
 * A preview conversation as it stands between turns, kept in memory (never committed): its
 * `conversations` row and transcript as JSON rows, or, before its first turn, where it starts.
 * The studio's preview (src/studio/preview/rollbackDb.ts) is the only caller, and only ever inside
 * a transaction that is rolled back, so these writes never reach the table that
 * store/conversations.ts alone writes for real.
 */
export type PreviewMemory =
  | { kind: 'new' }
  | {
      kind: 'seeded';
      /** Start at a step: the flow, its version and the persisted snapshot at that step. */
      flowId: string;
      flowVersion: string;
      snapshot: unknown;
      locale: string;
    }
  | { kind: 'stored'; row: Record<string, unknown>; messages: Array<Record<string, unknown>> };

/** Puts the preview conversation back into the open transaction, as the last turn left it. */
export async function restorePreview(tx: Queryable, id: string, memory: PreviewMemory, userId: string): Promise<void> {
  switch (memory.kind) {
    case 'new':
      return;
    case 'seeded':
      // A conversation that has consented and stands at the step: `turns = 1` so it is not "created" (no greeting).
      await tx.query(
        `INSERT INTO conversations (id, channel, user_id, locale, flow_id, flow_version, snapshot, consent, turns)
         VALUES ($1, 'test', $2, $3, $4, $5, $6::jsonb, true, 1)`,
        [id, userId, memory.locale, memory.flowId, memory.flowVersion, JSON.stringify(memory.snapshot)],
      );
      return;
    case 'stored':
      // Whole rows as the database gave them (to_jsonb), so columns added by later migrations come back too.
      await tx.query('INSERT INTO conversations SELECT * FROM jsonb_populate_record(NULL::conversations, $1::jsonb)', [JSON.stringify(memory.row)]);
      if (memory.messages.length) {
        await tx.query('INSERT INTO messages SELECT * FROM jsonb_populate_recordset(NULL::messages, $1::jsonb)', [JSON.stringify(memory.messages)]);
      }
      return;
    default: {
      const never: never = memory;
      throw new Error(`unknown preview memory ${JSON.stringify(never)}`);
    }
  }
}

/** Reads the preview conversation back from the open transaction, before it is rolled back. */
export async function readPreview(tx: Queryable, id: string, fallback: PreviewMemory): Promise<PreviewMemory> {
  const { rows } = await tx.query<{ row: Record<string, unknown> | null; messages: Array<Record<string, unknown>> }>(
    `SELECT (SELECT to_jsonb(c) FROM conversations c WHERE c.id = $1) AS row,
            (SELECT coalesce(jsonb_agg(to_jsonb(m) ORDER BY m.seq), '[]'::jsonb) FROM messages m WHERE m.conversation_id = $1) AS messages`,
    [id],
  );
  const r = rows[0];
  if (!r?.row) return fallback;
  // A handoff is undone with the rest of the turn: the next message goes to the flow again, not to an adviser who never saw it.
  return { kind: 'stored', row: { ...r.row, owner: 'bot' }, messages: r.messages };
}
