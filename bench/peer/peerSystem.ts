import { ConversationState, TestAdapter, UserState, type TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import type { Db } from '../../src/store/db.ts';
import { ROOT, type System } from '../anchorline.ts';
import { EligibilityDialog, type UserProfile } from './eligibilityDialog.ts';
import { PG_STORAGE_DDL, PgStorage } from './PgStorage.ts';

/**
 * The peer bot as the Bot Framework samples build it (DialogBot + MainDialog.run):
 * continue the active dialog or begin it, then save ConversationState and UserState
 * at the end of every turn. Driven through botbuilder's TestAdapter, one per
 * conversation (the adapter only addresses activities; all state is in storage).
 */
export async function peerSystem(db: Db): Promise<System> {
  await db.query(PG_STORAGE_DDL);
  const storage = new PgStorage(db);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialogState = conversationState.createProperty<DialogState>('DialogState');
  const profile = userState.createProperty<UserProfile>('UserProfile');
  const dialogs = new DialogSet(dialogState);
  dialogs.add(new EligibilityDialog(ROOT, profile));

  const logic = async (context: TurnContext) => {
    if (context.activity.type === 'message') {
      const dc = await dialogs.createContext(context);
      const r = await dc.continueDialog();
      if (r.status === DialogTurnStatus.empty) await dc.beginDialog('eligibility');
    }
    await conversationState.saveChanges(context, false);
    await userState.saveChanges(context, false);
  };

  const adapters = new Map<string, TestAdapter>();
  return {
    name: 'botbuilder-dialogs',
    async turn(conversationId, step, n) {
      let adapter = adapters.get(conversationId);
      if (!adapter) {
        adapter = new TestAdapter(logic, { channelId: 'directline', conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' }, from: { id: `u-${conversationId}`, name: '' } });
        adapters.set(conversationId, adapter);
      }
      await adapter.processActivity({ type: 'message', text: step.peerText, id: `${conversationId}|${n}` });
      const texts = adapter.activeQueue.map((a) => a.text ?? '');
      adapter.activeQueue.length = 0;
      return texts;
    },
    forget: (conversationId) => void adapters.delete(conversationId),
  };
}
