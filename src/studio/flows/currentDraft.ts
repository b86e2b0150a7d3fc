import type { Queryable } from '../../store/db.ts';
import { findFlowDraft, type FlowDraftRow } from '../../store/flowDraft.ts';
import type { Draft, FlowFiles, Release, Releases } from '../ports.ts';

/** Paths whose text differs between two file sets (added, removed or changed), sorted. */
export function changedPaths(from: FlowFiles, to: FlowFiles): string[] {
  return [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((p) => from[p] !== to[p]).sort();
}

/**
 * The draft's edits carried onto a newer live release (published by `flows import`, a revert or
 * another process since the draft began): a file the draft did not touch follows the live
 * release; a file only the draft changed keeps the draft's text; a file both changed keeps the
 * draft's (the coordinator sees it among the changes). Without this, publishing an older draft
 * would quietly undo the newer release.
 */
export function rebaseFiles(draft: FlowFiles, base: FlowFiles, live: FlowFiles): FlowFiles {
  const out: FlowFiles = {};
  for (const p of [...new Set([...Object.keys(draft), ...Object.keys(base), ...Object.keys(live)])].sort()) {
    const text = draft[p] === base[p] ? live[p] : draft[p];
    if (text !== undefined) out[p] = text;
  }
  return out;
}

/** The draft as the studio shows it: the stored row (carried onto the live release), or the live release's files when it holds none. */
export function draftOf(row: FlowDraftRow, live: Release, base?: Release): Draft {
  const files = row.files === null ? live.files : base && base.id !== live.id ? rebaseFiles(row.files, base.files, live.files) : row.files;
  return {
    revision: row.revision,
    baseRelease: row.files === null || base ? live.id : (row.baseRelease ?? live.id),
    files,
    changed: changedPaths(live.files, files),
    updatedBy: row.updatedBy,
    updatedAt: (row.updatedAt ?? new Date(live.createdAt)).toISOString(),
  };
}

/** Reads the shared draft and the live release it is compared with. */
export async function currentDraft(db: Queryable, releases: Releases): Promise<{ draft: Draft; live: Release }> {
  const [row, live] = await Promise.all([findFlowDraft(db), releases.live()]);
  // The release the draft began from, when a newer one has gone live since (rare: one read then).
  const base = row.files !== null && row.baseRelease !== null && row.baseRelease !== live.id ? await releases.get(row.baseRelease) : undefined;
  return { draft: draftOf(row, live, base), live };
}
