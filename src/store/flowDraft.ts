import { z } from 'zod';
import type { Queryable } from './db.ts';

/**
 * `flow_draft`: the studio's one shared draft (issue 13). Holds the edited file set, or NULL
 * when the draft is the live release unchanged; callers fill that in from the live release.
 */
export interface FlowDraftRow {
  /** NULL: the live release's files (never saved, discarded or just published). */
  files: Record<string, string> | null;
  baseRelease: number | null;
  revision: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

const rowSchema = z.object({
  files: z.record(z.string(), z.string()).nullable(),
  base_release: z.number().int(),
  revision: z.number().int(),
  updated_by: z.string().nullable(),
  updated_at: z.coerce.date(),
});

const NONE: FlowDraftRow = { files: null, baseRelease: null, revision: 0, updatedBy: null, updatedAt: null };

function toRow(raw: unknown): FlowDraftRow {
  const r = rowSchema.parse(raw);
  return { files: r.files, baseRelease: r.base_release, revision: r.revision, updatedBy: r.updated_by, updatedAt: r.updated_at };
}

/** The draft as stored; revision 0 with no files when nobody has saved yet. */
export async function findFlowDraft(db: Queryable): Promise<FlowDraftRow> {
  const { rows } = await db.query('SELECT files, base_release, revision, updated_by, updated_at FROM flow_draft WHERE id = 1');
  return rows[0] ? toRow(rows[0]) : NONE;
}

export interface DraftWrite {
  /** The revision the change was made on; the write happens only if the draft is still at it. */
  expected: number;
  /** The whole file set, or null for "the live release's files". */
  files: Record<string, string> | null;
  baseRelease: number;
  by: string;
}

/**
 * Writes the draft if it is still at `expected` (optimistic locking): the new row, or
 * `conflict` with the row as it is now (its revision and who saved it). The first write of a
 * database inserts the row when `expected` is 0.
 */
export async function writeFlowDraft(db: Queryable, w: DraftWrite): Promise<{ type: 'saved'; draft: FlowDraftRow } | { type: 'conflict'; current: FlowDraftRow }> {
  const files = w.files === null ? null : JSON.stringify(w.files);
  const returning = 'RETURNING files, base_release, revision, updated_by, updated_at';
  // Revision 0 is "never saved": the row does not exist yet, and two first saves race on its key.
  const { rows } =
    w.expected === 0
      ? await db.query(
          `INSERT INTO flow_draft (id, files, base_release, revision, updated_by) VALUES (1, $1::jsonb, $2, 1, $3) ON CONFLICT (id) DO NOTHING ${returning}`,
          [files, w.baseRelease, w.by],
        )
      : await db.query(
          `UPDATE flow_draft SET files = $1::jsonb, base_release = $2, revision = revision + 1, updated_by = $3, updated_at = now()
           WHERE id = 1 AND revision = $4 ${returning}`,
          [files, w.baseRelease, w.by, w.expected],
        );
  if (rows[0]) return { type: 'saved', draft: toRow(rows[0]) };
  return { type: 'conflict', current: await findFlowDraft(db) };
}
