import { lockConversation, wipeConversation } from '../../store/conversations.ts';
import { deleteConsentOf } from '../../store/consentEvents.ts';
import { deleteExportLinksOf } from '../../store/dataExportLinks.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { recordPrivacyAction } from '../../store/privacyAudit.ts';

export type Eraser = (tx: Queryable, conversationId: string) => Promise<void>;

/**
 * The privacy records of a conversation (consent events, export links) go with its data. Give to
 * the engine's `erasers` with the journey's and the handoffs' erasers.
 */
export const privacyEraser: Eraser = async (tx, conversationId) => {
  await deleteConsentOf(tx, conversationId);
  await deleteExportLinksOf(tx, conversationId);
};

/**
 * Erasure outside a turn (staff, on a resident's request made elsewhere): locks the
 * conversation like a turn does, runs every eraser, then wipes the conversation's own
 * transcript, answers and channel address, and records the content-free fact.
 * @returns false when there is no such conversation.
 */
export async function eraseConversation(db: Db, conversationId: string, opts: { erasers: readonly Eraser[]; actor: string; now?: Date }): Promise<boolean> {
  const at = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    if (!(await lockConversation(tx, conversationId))) return false;
    for (const erase of opts.erasers) await erase(tx, conversationId);
    await wipeConversation(tx, conversationId);
    await recordPrivacyAction(tx, { conversationId, action: 'erased', actor: opts.actor, at });
    return true;
  });
}
