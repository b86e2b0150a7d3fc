import type { Db, Queryable } from '../../store/db.ts';
import { recordPrivacyAction } from '../../store/privacyAudit.ts';
import { deleteConversation, idleConversationIds, lockIfStillIdle } from '../../store/conversations.ts';

export type Eraser = (tx: Queryable, conversationId: string) => Promise<void>;

/**
 * Retention: conversations idle since before `olderThan` are deleted with everything they
 * hold (answers, transcript, bookings, applications, handoffs), the same way "delete my data"
 * erases them — live bookings are cancelled first so their seats pass to the waiting list.
 * A conversation left in a handoff is erased too (nobody took it up in all that time; the
 * handoff eraser closes it and wipes the adviser's card). The adviser audit trail (ids and
 * times, no message text) is kept on purpose. Each conversation is its own transaction, so one that
 * fails leaves the others erased; batches of `batch` until none is left (at most
 * `maxBatches`, so one run stays well inside a job's lease; the rest waits for the next run).
 * @returns how many conversations were deleted.
 */
export async function pruneIdleConversations(db: Db, opts: { olderThan: Date; erasers: Eraser[]; batch?: number; maxBatches?: number }): Promise<number> {
  const batch = opts.batch ?? 500;
  let deleted = 0;
  for (let round = 0; round < (opts.maxBatches ?? 20); round++) {
    const ids = await idleConversationIds(db, opts.olderThan, batch);
    for (const id of ids) {
      const gone = await db.transaction(async (tx) => {
        if (!(await lockIfStillIdle(tx, id, opts.olderThan))) return false;
        for (const erase of opts.erasers) await erase(tx, id);
        await recordPrivacyAction(tx, { conversationId: id, action: 'erased', actor: 'retention', at: new Date() });
        return deleteConversation(tx, id);
      });
      if (gone) deleted++;
    }
    if (ids.length < batch) break;
  }
  return deleted;
}
