import type { types } from '@slack/bolt';
import { mayBeUnder } from '../../domain/safeguarding/createSafeguardingCheck.ts';
import type { HandoffLeaveReason } from '../../engine/port.ts';
import type { Handoff } from '../../store/handoffs.ts';
import type { MessageRow } from '../../store/messages.ts';
import { escapeSlackText } from './escapeSlackText.ts';

type Block = types.KnownBlock;

export const ACTIONS = {
  claim: 'handoff_claim',
  release: 'handoff_release',
  return: 'handoff_return',
  close: 'handoff_close',
  view: 'handoff_view',
} as const;

const REASONS: Record<Handoff['reason'], string> = {
  resident_asked: 'Resident asked for a person',
  flow_step: 'The journey needs an adviser',
  failed_answers: 'The assistant could not understand (three tries)',
  safeguarding: 'Safeguarding: the resident may be at risk',
};

const LEFT: Record<HandoffLeaveReason, string> = {
  stopped: 'they stopped the chat',
  restarted: 'they started again with the assistant',
  erased: 'they asked for their data to be deleted',
};

/** Slack shows this in each viewer's own time zone. */
function slackTime(at: Date, fmt = '{time}'): string {
  const unix = Math.floor(at.getTime() / 1000);
  return `<!date^${unix}^${fmt}|${at.toISOString().slice(11, 16)} UTC>`;
}

function summaryValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** One line per transcript message, escaped; what advisers need before claiming. */
export function transcriptLines(messages: MessageRow[], maxChars = 2800): string {
  const lines = messages.map((m) => {
    if (m.direction === 'in') return `*Resident:* ${escapeSlackText((m.body.text ?? (m.body.value === undefined ? '' : '[button]')).slice(0, 400))}`;
    const b = m.body;
    switch (b.type) {
      case 'text':
      case 'choices':
      case 'handoffStatus':
        return `*Assistant:* ${escapeSlackText(b.text.slice(0, 400))}`;
      case 'card':
        return `*Assistant:* ${escapeSlackText(b.card.fallback.slice(0, 400))}`;
      case 'adviser':
        return `*Adviser:* ${escapeSlackText(b.text.slice(0, 400))}`;
      case 'typing':
        return '';
      default: {
        const never: never = b;
        return never;
      }
    }
  });
  let out = lines.filter(Boolean).join('\n');
  // Keep the newest lines when the section would pass Slack's 3000-character limit.
  while (out.length > maxChars) out = out.slice(out.indexOf('\n') + 1 || out.length);
  return out || '_No messages yet._';
}

function statusLine(h: Handoff, at: Date): string {
  const waited = Math.max(0, Math.round((at.getTime() - h.requestedAt.getTime()) / 60_000));
  switch (h.status) {
    case 'requested':
    case 'queued':
      return `:hourglass: Waiting for an adviser since ${slackTime(h.requestedAt)} (${waited} min when this card was last updated)`;
    case 'claimed':
      return `:raising_hand: Claimed by <@${h.adviserId}> at ${slackTime(h.claimedAt ?? at)}`;
    case 'active':
      return `:speech_balloon: In conversation with <@${h.adviserId}> (claimed at ${slackTime(h.claimedAt ?? at)})`;
    case 'returned':
      return `:leftwards_arrow_with_hook: Returned to the assistant at ${slackTime(h.endedAt ?? at)}`;
    case 'closed':
      if (h.leftReason) return `:door: The resident left at ${slackTime(h.endedAt ?? at)}: ${LEFT[h.leftReason]}.`;
      return `:white_check_mark: Closed at ${slackTime(h.endedAt ?? at)}`;
    default: {
      const never: never = h.status;
      return never;
    }
  }
}

export interface CardOptions {
  now: Date;
  notePrefix: string;
  safeguardingGroupId?: string;
}

/** Fallback text (notifications) of the card. Urgent cards mention the safeguarding group at any hour. */
export function cardText(h: Handoff, o: CardOptions): string {
  if (h.leftReason || h.erasedAt) return `Handoff #${h.id}: ${h.erasedAt ? "the resident's data has been deleted" : 'the resident left'}`;
  const who = h.urgency === 'urgent' && o.safeguardingGroupId ? `<!subteam^${o.safeguardingGroupId}> ` : '';
  return `${who}${h.urgency === 'urgent' ? 'URGENT: ' : ''}${REASONS[h.reason]} (conversation ${escapeSlackText(h.conversationId)})`;
}

/**
 * The card of a handoff the resident left, or whose data was erased (`h` undefined: the
 * conversation is gone). Nothing the resident said or gave: no summary, no transcript, no buttons.
 */
export function goneCard(h: Handoff | undefined, handoffId: number, o: CardOptions): Block[] {
  const erased = !h || h.erasedAt !== null;
  const facts = h
    ? [`*Reason:* ${REASONS[h.reason]}`, `*Requested:* ${slackTime(h.requestedAt, '{date_short_pretty} {time}')}`]
    : [`*Handoff:* #${handoffId}`];
  const status = h?.leftReason ? statusLine(h, o.now) : ':wastebasket: The resident\'s data has been deleted.';
  return [
    { type: 'header', text: { type: 'plain_text', text: h?.leftReason ? 'Handoff: the resident left' : 'Handoff: data deleted' } },
    { type: 'section', text: { type: 'mrkdwn', text: facts.join('\n'), verbatim: true } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: status }] },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: erased ? 'The summary, transcript and relayed messages have been removed.' : 'The summary and transcript are no longer shown.' }],
    },
  ];
}

/** One fact per summary entry the flow declared, escaped, capped. */
function summaryFacts(h: Handoff): string[] {
  return h.summary.slice(0, 15).map(([label, v]) => `*${escapeSlackText(label.slice(0, 80))}:* ${escapeSlackText(summaryValue(v).slice(0, 200))}`);
}

/** The handoff card, rendered from the current row: the same function draws every update. */
export function handoffCard(h: Handoff, messages: MessageRow[], o: CardOptions): Block[] {
  if (h.leftReason || h.erasedAt) return goneCard(h, h.id, o);
  const open = h.status === 'requested' || h.status === 'queued' || h.status === 'claimed' || h.status === 'active';
  const facts: string[] = [
    `*Reason:* ${REASONS[h.reason]}`,
    `*Urgency:* ${h.urgency === 'urgent' ? ':red_circle: URGENT' : 'normal'}`,
    `*Language:* ${escapeSlackText(h.locale)}`,
    `*Requested:* ${slackTime(h.requestedAt, '{date_short_pretty} {time}')}`,
  ];
  if (h.urgency === 'urgent') {
    // DOMAIN.md: under-18s follow child-safeguarding routing.
    if (h.age === null) facts.push(':warning: *Age not known:* may be under 18. Check before acting.');
    else if (mayBeUnder(h.age, 18)) facts.push(`:warning: *Under 18 (${escapeSlackText(h.age)}):* follow the child-safeguarding procedure.`);
  }
  facts.push(...summaryFacts(h));
  const buttons: types.Button[] = [];
  const value = String(h.id);
  if (h.status === 'requested' || h.status === 'queued') buttons.push({ type: 'button', action_id: ACTIONS.claim, text: { type: 'plain_text', text: 'Claim' }, style: 'primary', value });
  if (h.status === 'claimed' || h.status === 'active') buttons.push({ type: 'button', action_id: ACTIONS.release, text: { type: 'plain_text', text: 'Release' }, value });
  if (open) {
    buttons.push(
      { type: 'button', action_id: ACTIONS.return, text: { type: 'plain_text', text: 'Return to bot' }, value },
      {
        type: 'button',
        action_id: ACTIONS.close,
        text: { type: 'plain_text', text: 'Close' },
        style: 'danger',
        value,
        confirm: {
          title: { type: 'plain_text', text: 'Close this conversation?' },
          text: { type: 'plain_text', text: 'The resident gets a closing message and the chat ends.' },
          confirm: { type: 'plain_text', text: 'Close' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    );
  }
  buttons.push({ type: 'button', action_id: ACTIONS.view, text: { type: 'plain_text', text: 'Full transcript' }, value });
  return [
    { type: 'header', text: { type: 'plain_text', text: h.urgency === 'urgent' ? '🔴 Urgent handoff' : 'Handoff: a resident needs an adviser' } },
    { type: 'section', text: { type: 'mrkdwn', text: facts.join('\n'), verbatim: true } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: statusLine(h, o.now) }] },
    { type: 'section', text: { type: 'mrkdwn', text: transcriptLines(messages.slice(-10)), verbatim: true } },
    ...(open
      ? [
          {
            type: 'context' as const,
            elements: [
              {
                type: 'mrkdwn' as const,
                text: `:warning: Replies in this card's thread are *sent to the resident*. Start a reply with \`${escapeSlackText(o.notePrefix)}\` to keep it internal.`,
              },
            ],
          },
        ]
      : []),
    { type: 'actions', block_id: `handoff_${h.id}`, elements: buttons },
  ];
}
