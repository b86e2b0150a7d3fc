import type { Reply } from '../../engine/reply.ts';
import { ADAPTIVE_CARD_CONTENT_TYPE, adaptiveCard } from './adaptiveCard.ts';

/** A Bot Framework activity as both web channels send it (a subset of the Activity schema). */
export interface OutboundActivity {
  type: 'message' | 'typing';
  from: { id: string; name: string; role: 'bot' };
  text?: string;
  textFormat?: 'plain' | 'markdown';
  locale?: string;
  suggestedActions?: { actions: SuggestedAction[] };
  attachments?: Array<{ contentType: string; content: Record<string, unknown> }>;
  attachmentLayout?: 'list';
  channelData?: { dir?: 'ltr' | 'rtl'; handoffStatus?: string; adviser?: boolean };
}

export interface SuggestedAction {
  type: 'messageBack';
  title: string;
  text: string;
  displayText: string;
  value: string;
}

export const BOT_ACCOUNT = { id: 'anchorline', name: 'Anchorline', role: 'bot' } as const;

/**
 * One engine Reply as a Bot Framework activity (exhaustive over Reply kinds).
 *
 * Choices are `messageBack` actions: the button shows and sends the label as text (so the
 * transcript reads naturally) and carries the choice value in `value`, which the channel
 * hands to the engine as `Turn.value`.
 */
export function renderReply(reply: Reply): OutboundActivity {
  switch (reply.type) {
    case 'text':
      return { type: 'message', from: BOT_ACCOUNT, text: reply.text, textFormat: 'markdown', locale: reply.locale, channelData: { dir: reply.dir } };
    case 'choices':
      return {
        type: 'message',
        from: BOT_ACCOUNT,
        text: reply.text,
        textFormat: 'markdown',
        locale: reply.locale,
        channelData: { dir: reply.dir },
        suggestedActions: {
          actions: reply.choices.map((c) => ({ type: 'messageBack', title: c.label, text: c.label, displayText: c.label, value: c.value })),
        },
      };
    case 'card':
      return {
        type: 'message',
        from: BOT_ACCOUNT,
        locale: reply.locale,
        channelData: { dir: reply.dir },
        attachmentLayout: 'list',
        attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: adaptiveCard(reply.card, reply.dir) }],
      };
    case 'typing':
      return { type: 'typing', from: BOT_ACCOUNT };
    case 'handoffStatus':
      return {
        type: 'message',
        from: BOT_ACCOUNT,
        text: reply.text,
        textFormat: 'plain',
        locale: reply.locale,
        channelData: { dir: reply.dir, handoffStatus: reply.status },
      };
    case 'adviser':
      // An adviser's words are shown verbatim: plain text, so nothing they paste becomes markup.
      return {
        type: 'message',
        from: { id: 'adviser', name: reply.adviserName ?? 'Adviser', role: 'bot' },
        text: reply.text,
        textFormat: 'plain',
        channelData: { adviser: true },
      };
    default: {
      const never: never = reply;
      throw new Error(`unknown reply ${JSON.stringify(never)}`);
    }
  }
}
