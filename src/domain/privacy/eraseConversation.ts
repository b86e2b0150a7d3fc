import { isValid as isValidPostcode, toNormalised } from 'postcode';
import { dataOf } from '../../engine/turnState.ts';
import { lockConversation, readFlowPosition, wipeConversation } from '../../store/conversations.ts';
import { forgetDirectLineUser } from '../../store/directlineConversations.ts';
import { forgetPostcodes } from '../../store/postcodeCache.ts';
import { deleteConsentOf } from '../../store/consentEvents.ts';
import { deleteExportLinksOf } from '../../store/dataExportLinks.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { recordPrivacyAction } from '../../store/privacyAudit.ts';

export type Eraser = (tx: Queryable, conversationId: string) => Promise<void>;

/** Every string in the answers and results that is a UK postcode, normalised as it was looked up. */
function postcodesIn(value: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 8) return out;
  if (typeof value === 'string') {
    if (value.length <= 10 && isValidPostcode(value)) out.add(toNormalised(value) ?? value);
  } else if (Array.isArray(value)) {
    for (const v of value) postcodesIn(v, out, depth + 1);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) postcodesIn(v, out, depth + 1);
  }
  return out;
}

/**
 * The privacy records of a conversation (consent events, export links) go with its data, and so
 * do the cached postcode lookups of the postcodes the resident gave (another resident's lookup of
 * the same postcode simply asks postcodes.io again). Give to the engine's `erasers` with the
 * journey's and the handoffs' erasers; it reads the answers, so it runs before they are wiped.
 */
export const privacyEraser: Eraser = async (tx, conversationId) => {
  const position = await readFlowPosition(tx, conversationId);
  await forgetPostcodes(tx, [...postcodesIn(dataOf(position?.snapshot))]);
  await deleteConsentOf(tx, conversationId);
  await deleteExportLinksOf(tx, conversationId);
  await forgetDirectLineUser(tx, conversationId);
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
