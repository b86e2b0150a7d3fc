import type { types } from '@slack/bolt';
import { escapeSlackText } from './escapeSlackText.ts';

/**
 * Characters that change how text around them is shown without being seen themselves:
 * bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069: an RTL override
 * can make "Resident: …" read as something else), zero-width space and word joiners, the BOM,
 * soft hyphen, Mongolian vowel separator, and control characters other than tab and newline.
 * ZWJ and ZWNJ (U+200C/D) stay: Urdu, Persian and emoji need them and they move nothing.
 */
// oxlint-disable-next-line no-control-regex -- control characters are what this removes
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u00ad\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;
/** Every way to start a new line: resident text is always shown on one line, so it cannot start one of ours. */
const LINE_BREAKS = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/g;

/** Resident text without invisible characters, on one line (breaks shown as " ↵ "). */
export function oneLine(text: string): string {
  return text.replace(INVISIBLE, '').replace(LINE_BREAKS, ' ↵ ').replace(/[ \t]{2,}/g, ' ');
}

/**
 * Slack has no escape for its formatting characters, so in `mrkdwn` resident text they become
 * look-alikes that format nothing (`*`→`∗`, `_`→`ˍ`, `~`→`∼`, `` ` ``→`ˋ`); `& < >` become
 * entities (no mentions or links), and the text is one line, so a `>` quote or a forged
 * "*Assistant:*" label can never start a line. Only for places where `mrkdwn` is unavoidable
 * (notification text, long transcripts); cards use {@link plainText}.
 */
export function escapeMrkdwn(text: string): string {
  return escapeSlackText(oneLine(text)).replace(/\*/g, '∗').replace(/_/g, 'ˍ').replace(/~/g, '∼').replace(/`/g, 'ˋ');
}

/**
 * A `plain_text` object for resident text: no formatting, no emoji codes, one line, `& < >`
 * as entities (Slack decodes them for display), capped (at most 5 × max after escaping, within Slack's 3000). Empty text shows as "—" (Slack refuses "").
 */
export function plainText(text: string, max = 500): types.PlainTextElement {
  const shown = oneLine(text);
  const capped = shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
  return { type: 'plain_text', text: escapeSlackText(capped.trim() ? capped : '—'), emoji: false };
}
