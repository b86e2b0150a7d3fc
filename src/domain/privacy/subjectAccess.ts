/**
 * A resident's copy of everything held about their conversation (UK GDPR subject access,
 * issue 12): gathered from every table that holds it, as JSON and as a plain HTML page that
 * needs nothing from elsewhere (no scripts, no external styles, every value escaped).
 */
import { createHash } from 'node:crypto';
import { dataOf } from '../../engine/turnState.ts';
import { replySchema } from '../../engine/reply.ts';
import { consentHistory, type ConsentEvent } from '../../store/consentEvents.ts';
import { selectAudit } from '../../store/handoffAudit.ts';
import type { Queryable } from '../../store/db.ts';
import { privacyAuditOf, type PrivacyAuditEntry } from '../../store/privacyAudit.ts';
import {
  applicationOf,
  bookingsOf,
  conversationRecord,
  handoffsOf,
  seatOffersOf,
  transcriptOf,
  type ApplicationRecord,
  type BookingRecord,
  type HandoffRecord,
  type SeatOfferRecord,
  type StoredMessage,
} from '../../store/subjectAccess.ts';
import { formatWhen } from '../courses/formatWhen.ts';

export interface TranscriptEntry {
  seq: number;
  at: Date;
  from: 'you' | 'assistant' | 'adviser';
  /** The language of the text when known (the assistant's replies carry theirs). */
  lang?: string;
  text: string;
  /** Buttons offered with the message. */
  options?: string[];
}

export interface SubjectAccessData {
  exportedAt: Date;
  conversation: {
    id: string;
    channel: string;
    userId: string;
    language: string;
    status: string;
    withAdviser: boolean;
    consent: boolean;
    createdAt: Date;
    lastActivityAt: Date;
    flow: string | null;
    /** How the channel reaches the resident (kept to send replies), as stored. */
    channelAddress: unknown;
  };
  /** Answers kept in the conversation's state, by the name the flow keeps them under. */
  answers: Array<{ name: string; value: unknown }>;
  transcript: TranscriptEntry[];
  bookings: BookingRecord[];
  seatOffers: SeatOfferRecord[];
  application: ApplicationRecord | null;
  handoffs: HandoffRecord[];
  /** What advisers did with the conversation and when; not who (staff ids stay internal). */
  adviserAccess: Array<{ action: string; at: Date }>;
  consent: ConsentEvent[];
  privacyAudit: PrivacyAuditEntry[];
}

/** One stored message as words: what was said, by whom, and the buttons that came with it. */
export function transcriptEntry(m: StoredMessage, residentLang: string): TranscriptEntry | undefined {
  const base = { seq: m.seq, at: m.createdAt };
  if (m.direction === 'in') {
    const body = (m.body ?? {}) as { text?: unknown; value?: unknown };
    const text = typeof body.text === 'string' && body.text !== '' ? body.text : body.value !== undefined ? `(pressed) ${show(body.value)}` : '';
    return { ...base, from: 'you', lang: residentLang, text };
  }
  const r = replySchema.safeParse(m.body);
  if (!r.success) return { ...base, from: 'assistant', text: show(m.body) };
  const reply = r.data;
  switch (reply.type) {
    case 'typing':
      return undefined;
    case 'text':
    case 'handoffStatus':
      return { ...base, from: 'assistant', lang: reply.locale, text: reply.text };
    case 'choices':
      return { ...base, from: 'assistant', lang: reply.locale, text: reply.text, options: reply.choices.map((c) => c.label) };
    case 'card': {
      const c = reply.card;
      const lines = [c.title, ...c.facts.map((f) => `${f.label}: ${f.value}`), ...(c.text ? [c.text] : [])];
      return { ...base, from: 'assistant', lang: reply.locale, text: lines.join('\n'), ...(c.actions.length ? { options: c.actions.map((a) => a.label) } : {}) };
    }
    case 'adviser':
      return { ...base, from: 'adviser', text: reply.adviserName ? `${reply.adviserName}: ${reply.text}` : reply.text };
    default: {
      const never: never = reply;
      return { ...base, from: 'assistant', text: show(never) };
    }
  }
}

/** Everything held about the conversation, or undefined when there is no such conversation. */
export async function gatherSubjectAccess(db: Queryable, conversationId: string, now: Date): Promise<SubjectAccessData | undefined> {
  const conv = await conversationRecord(db, conversationId);
  if (!conv) return undefined;
  const messages = await transcriptOf(db, conversationId);
  const application = await applicationOf(db, conversationId);
  return {
    exportedAt: now,
    conversation: {
      id: conv.id,
      channel: conv.channel,
      userId: conv.userId,
      language: conv.locale,
      status: conv.status,
      withAdviser: conv.owner === 'person',
      consent: conv.consent,
      createdAt: conv.createdAt,
      lastActivityAt: conv.lastActivityAt,
      flow: conv.flowId ? `${conv.flowId}${conv.flowVersion ? `@${conv.flowVersion}` : ''}` : null,
      channelAddress: conv.address,
    },
    answers: Object.entries(dataOf(conv.snapshot)).map(([name, value]) => ({ name, value })),
    transcript: messages.flatMap((m) => transcriptEntry(m, conv.locale) ?? []),
    bookings: await bookingsOf(db, conversationId),
    seatOffers: await seatOffersOf(db, conversationId),
    application: application ?? null,
    handoffs: await handoffsOf(db, conversationId),
    adviserAccess: (await selectAudit(db, conversationId)).filter((e) => e.adviserId !== 'resident').map(({ action, at }) => ({ action, at })),
    consent: await consentHistory(db, conversationId),
    privacyAudit: await privacyAuditOf(db, conversationId),
  };
}

/** The JSON file a resident downloads (dates as ISO 8601). */
export function subjectAccessJson(d: SubjectAccessData): string {
  return `${JSON.stringify({ service: 'Anchorline', about: 'Everything Anchorline holds about one conversation', ...d }, null, 2)}\n`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A stored value as words: text as it is, lists joined, anything else as JSON. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.map(show).join(', ');
  return JSON.stringify(v);
}

const PAGE_STYLE = `body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1d1d1d}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:start;vertical-align:top}
th{background:#f0f0f0}td,pre{white-space:pre-wrap;overflow-wrap:anywhere}summary{cursor:pointer;margin:.5rem 0}.none{color:#555;font-style:italic}
button,.button{font:inherit;padding:.6rem 1rem;margin:.3rem .5rem .3rem 0;border:2px solid #005eb8;border-radius:4px;background:#005eb8;color:#fff;text-decoration:none;display:inline-block;cursor:pointer}
.button.secondary,button.secondary{background:#fff;color:#005eb8}`;

/**
 * The Content-Security-Policy of every privacy page: nothing may load from anywhere, no script
 * runs; only the page's own style (by its hash) and forms posting back to this site.
 */
export const PRIVACY_PAGE_CSP = [
  `default-src 'none'`,
  `style-src 'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`,
  `form-action 'self'`,
  `base-uri 'none'`,
  `frame-ancestors 'none'`,
].join('; ');

/** A complete page around `body` (already HTML): our style, the language, nothing external. */
export function privacyPage(title: string, body: string, lang = 'en'): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const when = (d: Date | null | undefined) => (d ? formatWhen(d.toISOString(), 'en') : '');

/** A table of rows; the `resident` columns hold the resident's own words (any language, any direction). */
function table(head: string[], rows: string[][], opts: { resident?: number[]; lang?: string } = {}): string {
  if (rows.length === 0) return `<p class="none">Nothing here.</p>`;
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const tr = rows
    .map(
      (r) =>
        `<tr>${r
          .map((c, i) => (opts.resident?.includes(i) ? `<td dir="auto"${opts.lang ? ` lang="${escapeHtml(opts.lang)}"` : ''}>${escapeHtml(c)}</td>` : `<td>${escapeHtml(c)}</td>`))
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

function section(id: string, title: string, says: string, content: string): string {
  return `<section aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(title)}</h2>\n<p>${escapeHtml(says)}</p>\n${content}</section>`;
}

/** A stored name as words: `valuesStatements`, `hours_per_week` → "values statements", "hours per week". */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

/** A value with parts of its own (an object, or a list of objects), not one answer. */
const isStructured = (v: unknown) => typeof v === 'object' && v !== null && !(Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'));

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const FROM: Record<TranscriptEntry['from'], string> = { you: 'You', assistant: 'Anchorline', adviser: 'Adviser' };
const ACTIONS: Record<string, string> = {
  erased: 'Your data was deleted',
  export_link_created: 'A link to a copy of your data was made',
  exported: 'A copy of your data was taken',
  consent_withdrawn: 'You took back your agreement',
};

/** Who did it, in words: never a resident's personal value (actors are `resident`, `retention` or `staff:<name>`). */
function actorWords(actor: string): string {
  if (actor === 'resident') return 'You';
  if (actor === 'retention') return 'Automatic clean-up';
  return actor.startsWith('staff:') ? `Staff member ${actor.slice('staff:'.length)}` : actor;
}

/** One adviser chat: the facts held (only those there are), then the summary the adviser was shown. */
function handoffTables(h: HandoffRecord, n: number, lang: string): string {
  const facts: string[][] = [
    ['Why', words(h.reason)],
    ['Urgent', yesNo(h.urgency === 'urgent')],
    ['Status', h.status],
    ['Asked', when(h.requestedAt)],
    ['Adviser took it', when(h.claimedAt)],
    ['Adviser', h.adviserName ?? ''],
    ['Ended', when(h.endedAt)],
    ['You left because', h.leftReason ?? ''],
    ['Age band shown to the adviser', h.age ?? ''],
    ['Contact by', h.contactMethod ?? ''],
    ['Contact details', h.contactValue ?? ''],
    ['You agreed to be contacted', when(h.contactConsentAt)],
  ];
  // Pairs [label, value]; rows written before issue 10 are an object.
  const summary = Array.isArray(h.summary) ? (h.summary as unknown[]) : Object.entries((h.summary ?? {}) as Record<string, unknown>);
  return [
    `<h3>Adviser chat ${n}</h3>`,
    table(
      ['what', 'value'],
      facts.filter((row) => row[1] !== ''),
      { resident: [1] },
    ),
    `<p>What the adviser was shown:</p>`,
    table(
      ['about you', 'value'],
      summary.map((e) => (Array.isArray(e) ? [show(e[0]), show(e[1])] : ['', show(e)])),
      { resident: [1], lang },
    ),
  ].join('\n');
}

/**
 * The readable page: one section per kind of data, each saying in plain words what it is, with
 * the JSON file offered as a download (a `data:` link: the page needs nothing else).
 */
export function subjectAccessHtml(d: SubjectAccessData, opts: { json?: string } = {}): string {
  const c = d.conversation;
  const lang = c.language;
  const json = opts.json ?? subjectAccessJson(d);
  const download = `data:application/json;charset=utf-8,${encodeURIComponent(json)}`;
  // What the resident gave (text, numbers, choices) apart from what was worked out from it (search results…).
  const answers = d.answers.filter((a) => !isStructured(a.value));
  const workings = d.answers.filter((a) => isStructured(a.value));
  const parts = [
    `<h1>Your data at Anchorline</h1>`,
    `<p>This is everything we hold about your chat with Anchorline, on ${escapeHtml(when(d.exportedAt))} (UK time).</p>`,
    `<p>Keep this page safe. It has your answers and your messages in it.</p>`,
    `<p><a class="button" href="${escapeHtml(download)}" download="anchorline-my-data.json">Download it as a file (JSON)</a></p>`,
    section(
      'chat',
      'Your chat',
      'When you started, what language you use, and if you agreed that we keep your answers.',
      table(
        ['what', 'value'],
        [
          ['Chat number', c.id],
          ['Where you chat', c.channel],
          ['Your user id there', c.userId],
          ['Language', c.language],
          ['Status', c.status === 'active' ? 'open' : 'ended'],
          ['With an adviser now', yesNo(c.withAdviser)],
          ['You agreed we keep your answers', yesNo(c.consent)],
          ['Started', when(c.createdAt)],
          ['Last message', when(c.lastActivityAt)],
          ['Conversation flow (version)', c.flow ?? ''],
          ['How we reach you in the chat (technical)', show(c.channelAddress)],
        ],
        { resident: [1] },
      ),
    ),
    section(
      'answers',
      'Your answers',
      'What you told us, kept to check what you can join. Each answer has the name of its question.',
      table(
        ['question', 'your answer'],
        answers.map((a) => [words(a.name), show(a.value)]),
        { resident: [1], lang },
      ) +
        (workings.length
          ? `<details><summary>Other details kept with your answers (${workings.length})</summary>\n<p>What we worked out from your answers, such as the courses and jobs we found for you.</p>\n${workings
              .map((a) => `<h3>${escapeHtml(words(a.name))}</h3>\n<pre dir="auto">${escapeHtml(JSON.stringify(a.value, null, 2))}</pre>`)
              .join('\n')}</details>`
          : ''),
    ),
    section(
      'transcript',
      'Messages',
      'Every message in the chat, from you, from Anchorline and from advisers, oldest first. We never keep files or photos you try to send.',
      table(
        ['when', 'from', 'message', 'buttons'],
        d.transcript.map((m) => [when(m.at), FROM[m.from], m.text, (m.options ?? []).join(' | ')]),
        { resident: [2, 3] },
      ),
    ),
    section(
      'bookings',
      'Course places',
      'Places you booked on a course, or waited for.',
      table(
        ['course', 'when', 'where', 'status', 'booked', 'last change', 'did you go'],
        d.bookings.map((b) => [
          b.courseName,
          formatWhen(b.startsAt.toISOString(), 'en', b.endsAt.toISOString()),
          `${b.venueName}, ${b.venueAddress}`,
          b.status === 'waiting' && b.queueNo !== null ? `waiting (number ${b.queueNo} in the queue)` : b.status,
          when(b.createdAt),
          when(b.updatedAt),
          b.attendance === null ? '' : `${b.attendance.attended ? 'yes' : 'no'} (${b.attendance.source === 'resident' ? 'you told us' : 'the course organiser marked it'})`,
        ]),
      ),
    ),
    section(
      'offers',
      'Places offered to you',
      'When a place came free, we offered it to you for a short time.',
      table(
        ['course', 'course starts', 'status', 'offered', 'offer ends', 'decided'],
        d.seatOffers.map((o) => [o.courseName, when(o.startsAt), o.status, when(o.createdAt), when(o.expiresAt), when(o.decidedAt)]),
      ),
    ),
    section(
      'application',
      'Your application',
      'The application you sent, and each job it went to.',
      d.application
        ? table(
            ['what you told us', 'value'],
            Object.entries((d.application.profile ?? {}) as Record<string, unknown>).map(([k, v]) => [words(k), show(v)]),
            { resident: [1], lang },
          ) +
            table(
              ['job', 'employer', 'place', 'status', 'sent', 'last change'],
              d.application.vacancies.map((v) => [v.role, v.partnerName, v.siteName, v.status, when(v.createdAt), when(v.updatedAt)]),
            )
        : `<p class="none">You have not sent an application.</p>`,
    ),
    section(
      'handoffs',
      'Talking to an adviser',
      'Each time you were passed to an adviser: why, when, what they were shown, and how you asked to be contacted.',
      d.handoffs.length === 0
        ? `<p class="none">Nothing here.</p>`
        : d.handoffs.map((h, i) => handoffTables(h, i + 1, lang)).join('\n'),
    ),
    section(
      'adviser-access',
      'When advisers opened your chat',
      'Each time an adviser looked at, took or wrote in your chat.',
      table(['when', 'what they did'], d.adviserAccess.map((a) => [when(a.at), a.action.replace(/_/g, ' ')])),
    ),
    section(
      'consent',
      'What you agreed to',
      'Each time you said yes or no to how we use your data, and the words you were shown.',
      table(
        ['when', 'for what', 'with whom', 'answer', 'words shown', 'language'],
        d.consent.map((e) => [when(e.at), e.purpose.replace(/_/g, ' '), e.scope, e.granted ? 'yes' : 'no', `${e.wordingKey} (${e.wordingVersion})`, e.locale]),
      ),
    ),
    section(
      'privacy-log',
      'Privacy log',
      'What was done with your data, by whom and when. It never holds your answers.',
      table(['when', 'what', 'who'], d.privacyAudit.map((e) => [when(e.at), ACTIONS[e.action] ?? e.action, actorWords(e.actor)])),
    ),
    `<p>To delete all of this, type “delete my data” in the chat.</p>`,
  ];
  return privacyPage('Your data at Anchorline', parts.join('\n'), 'en');
}
