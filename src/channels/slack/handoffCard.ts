import type { types } from '@slack/bolt';
import type { Handoff } from '../../domain/handoffs/handoffStore.ts';
import type { MessageRow } from '../../store/messages.ts';
import { mayBeUnder } from '../../domain/safeguarding/createSafeguardingCheck.ts';
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
  const who = h.urgency === 'urgent' && o.safeguardingGroupId ? `<!subteam^${o.safeguardingGroupId}> ` : '';
  return `${who}${h.urgency === 'urgent' ? 'URGENT: ' : ''}${REASONS[h.reason]} (conversation ${escapeSlackText(h.conversationId)})`;
}

/** The handoff card, rendered from the current row: the same function draws every update. */
export function handoffCard(h: Handoff, messages: MessageRow[], o: CardOptions): Block[] {
  const open = h.status === 'requested' || h.status === 'queued' || h.status === 'claimed' || h.status === 'active';
  const facts: string[] = [
    `*Reason:* ${REASONS[h.reason]}`,
    `*Urgency:* ${h.urgency === 'urgent' ? ':red_circle: URGENT' : 'normal'}`,
    `*Programme:* ${escapeSlackText(summaryValue(h.summary.programme))}`,
    `*Eligibility:* ${escapeSlackText(summaryValue(h.summary.eligibility))}`,
    `*Language:* ${escapeSlackText(h.locale)}`,
    `*Requested:* ${slackTime(h.requestedAt, '{date_short_pretty} {time}')}`,
  ];
  if (h.urgency === 'urgent') {
    // DOMAIN.md: under-18s follow child-safeguarding routing.
    const answers = (h.summary.answers && typeof h.summary.answers === 'object' ? h.summary.answers : {}) as Record<string, unknown>;
    // Flows ask an exact age (`age`) or a band (`age_band`).
    const band = typeof answers.age_band === 'string' ? answers.age_band : typeof answers.age === 'number' ? String(answers.age) : undefined;
    if (typeof band !== 'string') facts.push(':warning: *Age not known:* may be under 18. Check before acting.');
    else if (mayBeUnder(band, 18)) facts.push(`:warning: *Under 18 (${escapeSlackText(band)}):* follow the child-safeguarding procedure.`);
  }
  // Other summary facts (e.g. the engine's `answers`), one level of nesting flattened, capped.
  const extra: [string, unknown][] = [];
  for (const [k, v] of Object.entries(h.summary)) {
    if (['programme', 'eligibility', 'partner'].includes(k)) continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v)) extra.push([k2, v2]);
    else extra.push([k, v]);
  }
  for (const [k, v] of extra.slice(0, 15)) facts.push(`*${escapeSlackText(k.replace(/_/g, ' '))}:* ${escapeSlackText(summaryValue(v).slice(0, 200))}`);
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
