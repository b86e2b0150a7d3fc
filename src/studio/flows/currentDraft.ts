import type { Queryable } from '../../store/db.ts';
import { findFlowDraft, type FlowDraftRow } from '../../store/flowDraft.ts';
import type { Draft, FlowFiles, Release, Releases } from '../ports.ts';

/** Paths whose text differs between two file sets (added, removed or changed), sorted. */
export function changedPaths(from: FlowFiles, to: FlowFiles): string[] {
  return [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((p) => from[p] !== to[p]).sort();
}

/** The draft as the studio shows it: the stored row, or the live release's files when it holds none. */
export function draftOf(row: FlowDraftRow, live: Release): Draft {
  const files = row.files ?? live.files;
  return {
    revision: row.revision,
    baseRelease: row.files === null ? live.id : (row.baseRelease ?? live.id),
    files,
    changed: changedPaths(live.files, files),
    updatedBy: row.updatedBy,
    updatedAt: (row.updatedAt ?? new Date(live.createdAt)).toISOString(),
  };
}

/** Reads the shared draft and the live release it is compared with. */
export async function currentDraft(db: Queryable, releases: Releases): Promise<{ draft: Draft; live: Release }> {
  const [row, live] = await Promise.all([findFlowDraft(db), releases.live()]);
  return { draft: draftOf(row, live), live };
}
