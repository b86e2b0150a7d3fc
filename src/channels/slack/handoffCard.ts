import type { types } from '@slack/bolt';
import { mayBeUnder } from '../../domain/safeguarding/createSafeguardingCheck.ts';
import type { HandoffLeaveReason } from '../../engine/port.ts';
import type { Handoff } from '../../store/handoffs.ts';
import type { MessageRow } from '../../store/messages.ts';
import { escapeSlackText } from './escapeSlackText.ts';
import { escapeMrkdwn, plainText } from './residentText.ts';

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
  flow_changed: 'The conversation changed while they were in it',
};

const LEFT: Record<HandoffLeaveReason, string> = {
  stopped: 'they stopped the chat',
  restarted: 'they started again with the assistant',
  erased: 'they asked for their data to be deleted',
};

/** A button's value: the handoff id, and the state version the card was drawn at (`12.3`). */
export function buttonValue(handoffId: number, version: number | undefined): string {
  return version === undefined ? String(handoffId) : `${handoffId}.${version}`;
}

/** Reads a button's value: a card drawn before versions were added carries the id alone. */
export function parseButtonValue(value: string | undefined): { handoffId: number; version?: number } | undefined {
  const m = /^([1-9]\d{0,14})(?:\.(\d{1,9}))?$/.exec(value ?? '');
  if (!m) return undefined;
  return { handoffId: Number(m[1]), ...(m[2] === undefined ? {} : { version: Number(m[2]) }) };
}

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

type Said = { who: 'Resident' | 'Assistant' | 'Adviser'; text: string };

/**
 * A resident's one-time link to their data ("send me my data") is theirs alone: advisers see that a
 * link was sent, never the link (it would open the resident's data for whoever uses it first).
 */
export function maskDataLinks(text: string): string {
  return text.replace(/(\/privacy\/export\/)[A-Za-z0-9_-]+/g, '$1[hidden]');
}

/** Who said what in one transcript message (undefined: nothing to show, such as typing). */
function said(m: MessageRow): Said | undefined {
  const shown = raw(m);
  return shown && { ...shown, text: maskDataLinks(shown.text) };
}

function raw(m: MessageRow): Said | undefined {
  if (m.direction === 'in') return { who: 'Resident', text: m.body.text ?? (m.body.value === undefined ? '' : '[button]') };
  const b = m.body;
  switch (b.type) {
    case 'text':
    case 'choices':
    case 'handoffStatus':
      return { who: 'Assistant', text: b.text };
    case 'card':
      return { who: 'Assistant', text: b.card.fallback };
    case 'adviser':
      return { who: 'Adviser', text: b.text };
    case 'typing':
      return undefined;
    default: {
      const never: never = b;
      return never;
    }
  }
}

/**
 * The transcript as `mrkdwn` text (the ephemeral "Full transcript"): our bold label, then the
 * message escaped onto one line, so no message can start a line of its own.
 */
export function transcriptLines(messages: MessageRow[], maxChars = 2800): string {
  const lines = messages.flatMap((m) => {
    const s = said(m);
    return s ? [`*${s.who}:* ${escapeMrkdwn(s.text.slice(0, 400))}`] : [];
  });
  let out = lines.join('\n');
  // Keep the newest lines when the section would pass Slack's 3000-character limit.
  while (out.length > maxChars) out = out.slice(out.indexOf('\n') + 1 || out.length);
  return out || '_No messages yet._';
}

/** The card's transcript: one context block per message, our label in `mrkdwn`, their words in `plain_text`. */
export function transcriptBlocks(messages: MessageRow[]): Block[] {
  const blocks = messages.flatMap((m): Block[] => {
    const s = said(m);
    return s ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `*${s.who}:*` }, plainText(s.text, 400)] }] : [];
  });
  return blocks.length ? blocks : [{ type: 'context', elements: [{ type: 'mrkdwn', text: '_No messages yet._' }] }];
}

const CONTACT: Record<NonNullable<Handoff['contact']['method']>, string> = { chat: 'chat here', phone: 'phone call', email: 'email' };

/** How the resident would like to be contacted, as the card and the queue show it (no number). */
export function contactLabel(h: Handoff): string {
  const c = h.contact;
  if (c.step === 'phone' || c.step === 'email' || c.step === 'consent') return `choosing (${CONTACT[c.method ?? 'chat']})`;
  if (!c.method) return c.step === 'method' ? 'not chosen yet' : 'chat here';
  if (c.method !== 'chat' && !c.consentAt) return 'chat here';
  return CONTACT[c.method];
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
  /** The handoff's state version (AdviserSide.version): the buttons carry it, so a press on an older card changes nothing. */
  version?: number;
  notePrefix: string;
  safeguardingGroupId?: string;
}

/** Fallback text (notifications) of the card. Urgent cards mention the safeguarding group at any hour. */
export function cardText(h: Handoff, o: CardOptions): string {
  if (h.leftReason || h.erasedAt) return `Handoff #${h.id}: ${h.erasedAt ? "the resident's data has been deleted" : 'the resident left'}`;
  const who = h.urgency === 'urgent' && o.safeguardingGroupId ? `<!subteam^${o.safeguardingGroupId}> ` : '';
  return `${who}${h.urgency === 'urgent' ? 'URGENT: ' : ''}${REASONS[h.reason]} (conversation ${escapeMrkdwn(h.conversationId)})`;
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

/**
 * The summary the flow declared and the contact the resident agreed to, as `plain_text` fields
 * ("Label: value"; ten per section, Slack's limit): nothing in them is formatting or a mention.
 */
function summaryBlocks(h: Handoff): Block[] {
  const fields = h.summary.slice(0, 15).map(([label, v]) => plainText(`${label.slice(0, 80)}: ${summaryValue(v).slice(0, 200)}`, 300));
  fields.push(plainText(`Contact: ${contactLabel(h)}${h.contact.consentAt && h.contact.value ? `, ${h.contact.value}` : ''}`, 300));
  const out: Block[] = [];
  for (let i = 0; i < fields.length; i += 10) out.push({ type: 'section', fields: fields.slice(i, i + 10) });
  return out;
}

/** The handoff card, rendered from the current row: the same function draws every update. */
export function handoffCard(h: Handoff, messages: MessageRow[], o: CardOptions): Block[] {
  if (h.leftReason || h.erasedAt) return goneCard(h, h.id, o);
  const open = h.status === 'requested' || h.status === 'queued' || h.status === 'claimed' || h.status === 'active';
  const facts: string[] = [
    `*Reason:* ${REASONS[h.reason]}`,
    `*Urgency:* ${h.urgency === 'urgent' ? ':red_circle: URGENT' : 'normal'}`,
    `*Language:* ${escapeMrkdwn(h.locale)}`,
    `*Requested:* ${slackTime(h.requestedAt, '{date_short_pretty} {time}')}`,
  ];
  // DOMAIN.md: under-18s follow child-safeguarding routing. The age is the resident's answer: plain text.
  const ageWarning: Block[] = [];
  if (h.urgency === 'urgent') {
    if (h.age === null) facts.push(':warning: *Age not known:* may be under 18. Check before acting.');
    else if (mayBeUnder(h.age, 18)) {
      ageWarning.push({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: ':warning: *Under 18:* follow the child-safeguarding procedure.' }, plainText(`Age given: ${h.age}`, 40)],
      });
    }
  }
  const buttons: types.Button[] = [];
  const value = buttonValue(h.id, o.version);
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
    ...ageWarning,
    ...summaryBlocks(h),
    { type: 'context', elements: [{ type: 'mrkdwn', text: statusLine(h, o.now) }] },
    { type: 'divider' },
    ...transcriptBlocks(messages.slice(-10)),
    { type: 'divider' },
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
