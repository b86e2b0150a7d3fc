import type { Db } from '../../store/db.ts';
import { insertRelease, lockLiveRelease, makeLive, newestFilesHash, releaseOrphanPolicy, type NewRelease } from '../../store/flowReleases.ts';
import { saveFlowVersion } from '../../store/flowVersions.ts';
import type { FlowSet } from '../catalog.ts';
import { filesHash } from './filesHash.ts';

export type CommitResult = { published: true; id: number } | { published: false; liveId: number | null };

/**
 * The publish transaction: lock the live row (publishes from every process queue there), store
 * every flow version the set makes (so conversations can finish on them later), insert the release,
 * make it live and NOTIFY — all or nothing. `when` decides, under the lock, whether to go ahead:
 * `folderChanged` publishes only when the folder differs from the last release made from files, so
 * two processes starting together publish once and a restart publishes nothing.
 */
export async function commitRelease(
  db: Db,
  r: Omit<NewRelease, 'filesHash' | 'flows'> & { set: FlowSet },
  when: 'always' | 'folderChanged' = 'always',
): Promise<CommitResult> {
  const hash = filesHash(r.files);
  return db.transaction(async (tx) => {
    const liveId = await lockLiveRelease(tx);
    if (when === 'folderChanged' && liveId !== null && (await newestFilesHash(tx)) === hash) return { published: false, liveId };
    for (const c of r.set.flows.values()) await saveFlowVersion(tx, c.id, c.version, r.set.versionTexts.get(c.id) ?? {});
    const { set, ...row } = r;
    // The folders published at start-up keep the live release's promise to residents it orphaned
    // and who have not come back yet (a studio publish chose "hand them to an adviser").
    const orphanPolicy = row.orphanPolicy ?? (when === 'folderChanged' && liveId !== null ? await releaseOrphanPolicy(tx, liveId) : null);
    const id = await insertRelease(tx, { ...row, orphanPolicy, filesHash: hash, flows: [...set.flows.values()].map((f) => `${f.id}@${f.version}`) });
    await makeLive(tx, id);
    return { published: true, id };
  });
}
