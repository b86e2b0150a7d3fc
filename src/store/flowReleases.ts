import { z } from 'zod';
import type { Queryable } from './db.ts';

/**
 * `flow_releases` and `flow_live`: published versions of the flow file set and which one is live
 * (issue 13). A publish runs `lockLiveRelease` → `insertRelease` → `makeLive` in one transaction.
 */

/** NOTIFY channel: the payload is the id of the release that just went live. */
export const FLOWS_CHANNEL = 'anchorline_flows';

const filesSchema = z.record(z.string(), z.string());

const releaseRowSchema = z.object({
  id: z.coerce.number().int(),
  files_hash: z.string(),
  source: z.enum(['files', 'studio', 'import', 'revert']),
  revert_of: z.coerce.number().int().nullable(),
  created_by: z.string(),
  created_at: z.coerce.date(),
  note: z.string(),
  orphan_policy: z.enum(['handoff', 'restart']).nullable(),
  flows: z.array(z.string()),
  live: z.boolean(),
});

export type ReleaseRow = z.infer<typeof releaseRowSchema>;
export type ReleaseRowWithFiles = ReleaseRow & { files: Record<string, string> };

export interface NewRelease {
  files: Record<string, string>;
  filesHash: string;
  source: ReleaseRow['source'];
  revertOf: number | null;
  createdBy: string;
  note: string;
  orphanPolicy: ReleaseRow['orphan_policy'];
  flows: string[];
}

const COLUMNS = `r.id, r.files_hash, r.source, r.revert_of, r.created_by, r.created_at, r.note, r.orphan_policy, r.flows,
  (r.id = (SELECT release_id FROM flow_live)) IS TRUE AS live`;

/** The live release id, with the live row locked for the rest of the transaction (publishes queue here). */
export async function lockLiveRelease(tx: Queryable): Promise<number | null> {
  const { rows } = await tx.query<{ release_id: number | null }>('SELECT release_id FROM flow_live FOR UPDATE');
  return rows[0]?.release_id ?? null;
}

/** The live release id (null before the first release). */
export async function liveReleaseId(q: Queryable): Promise<number | null> {
  const { rows } = await q.query<{ release_id: number | null }>('SELECT release_id FROM flow_live');
  return rows[0]?.release_id ?? null;
}

/** The statement a turn adds to its first round trip: the live release id, one row. */
export const LIVE_RELEASE_SQL = 'SELECT release_id FROM flow_live';

export async function insertRelease(tx: Queryable, r: NewRelease): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO flow_releases (files, files_hash, source, revert_of, created_by, note, orphan_policy, flows)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [JSON.stringify(r.files), r.filesHash, r.source, r.revertOf, r.createdBy, r.note, r.orphanPolicy, r.flows],
  );
  return Number(rows[0]!.id);
}

/** Points the live row at `id` and tells every process (delivered at COMMIT). */
export async function makeLive(tx: Queryable, id: number): Promise<void> {
  await tx.query('UPDATE flow_live SET release_id = $1', [id]);
  await tx.query('SELECT pg_notify($1, $2)', [FLOWS_CHANNEL, String(id)]);
}

export async function findRelease(q: Queryable, id: number): Promise<ReleaseRowWithFiles | undefined> {
  const { rows } = await q.query(`SELECT ${COLUMNS}, r.files FROM flow_releases r WHERE r.id = $1`, [id]);
  if (!rows[0]) return undefined;
  return { ...releaseRowSchema.parse(rows[0]), files: filesSchema.parse(rows[0].files) };
}

/** Newest first. */
export async function listReleases(q: Queryable, limit: number): Promise<ReleaseRow[]> {
  const { rows } = await q.query(`SELECT ${COLUMNS} FROM flow_releases r ORDER BY r.id DESC LIMIT $1`, [limit]);
  return rows.map((r) => releaseRowSchema.parse(r));
}

/**
 * The hash of the newest release published from the server's own folders (`files`): what the
 * folders were last time. Not `import`: a set imported from elsewhere is not the folders, and a
 * restart with unchanged folders must not undo it.
 */
export async function newestFilesHash(q: Queryable): Promise<string | undefined> {
  const { rows } = await q.query<{ files_hash: string }>(`SELECT files_hash FROM flow_releases WHERE source = 'files' ORDER BY id DESC LIMIT 1`);
  return rows[0]?.files_hash;
}

/** The orphan policy a release was published with. */
export async function releaseOrphanPolicy(q: Queryable, id: number): Promise<'handoff' | 'restart' | null> {
  const { rows } = await q.query<{ orphan_policy: string | null }>('SELECT orphan_policy FROM flow_releases WHERE id = $1', [id]);
  const p = rows[0]?.orphan_policy;
  return p === 'handoff' || p === 'restart' ? p : null;
}
