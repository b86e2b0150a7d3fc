/**
 * Links and markup a translation must not bring in: Web Chat renders markdown (and linkifies
 * addresses) in the assistant's messages, so a URL, a markdown link or an HTML tag the English
 * does not have would be put in front of residents (a translator's slip, or a hostile file
 * pointing at a phishing page). Each is allowed only when the English of the same string has it.
 */

/** A markdown link or image, inline (`[text](target)`, `![alt](src)`): its target is what matters, not its text. */
const MARKDOWN_LINK = /!?\[[^\]\n]*\]\(\s*<?([^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
/** A reference definition (`[id]: target`), which makes `[text][id]` a link. */
const MARKDOWN_REFERENCE = /^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:[ \t].*)?$/gm;
/** An address with a scheme (also inside `<…>` autolinks), `www.…`, or a bare domain Web Chat would linkify. */
const URL = /\b(?:[a-z][a-z0-9+.-]*:\/\/|mailto:|tel:|javascript:|data:|www\.)[^\s<>"'`)\]]+|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|info|biz|io|co|app|dev|xyz|top|site|online|link|click|live|me|ly|gl|uk|gov|nhs|ac|us|eu|pk|in|bd|so|ro|pl|ar|sa|ae|eg|ru|cn|de|fr|tk|ml|ga|cf|gq)(?::\d+)?(?:\/[^\s<>"'`)\]]*)?(?![a-z0-9-])/gi;
/** An HTML tag, opening or closing (`<a href="…">`, `</b>`, `<img …/>`), or a comment. */
const HTML_TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>|<!--[\s\S]*?-->/gi;

export interface LinkFinding {
  kind: 'URL' | 'markdown link' | 'HTML tag';
  text: string;
}

/** Trailing sentence punctuation is not part of an address ("see example.com."). */
const trimUrl = (u: string) => u.replace(/[.,;:!?。۔।]+$/u, '');
const normalise = (f: LinkFinding): string => `${f.kind}\0${f.kind === 'HTML tag' ? f.text.replace(/\s+/g, ' ').toLowerCase() : f.kind === 'URL' ? f.text.toLowerCase() : f.text}`;

/**
 * The URLs, markdown link targets and HTML tags of a text (or every item of a list). A URL inside
 * a markdown link or an HTML tag is left out unless `nested` (the link or tag is what is reported).
 */
export function linksOf(text: string | readonly string[], nested = false): LinkFinding[] {
  const out: LinkFinding[] = [];
  for (const t of [text].flat()) {
    const spans: Array<[number, number]> = [];
    const found = (kind: LinkFinding['kind'], m: RegExpMatchArray, value: string) => {
      spans.push([m.index!, m.index! + m[0].length]);
      out.push({ kind, text: value });
    };
    for (const m of t.matchAll(MARKDOWN_LINK)) found('markdown link', m, m[1]!);
    for (const m of t.matchAll(MARKDOWN_REFERENCE)) found('markdown link', m, m[1]!);
    for (const m of t.matchAll(HTML_TAG)) found('HTML tag', m, m[0]);
    for (const m of t.matchAll(URL)) {
      if (!nested && spans.some(([a, b]) => m.index! >= a && m.index! < b)) continue;
      out.push({ kind: 'URL', text: trimUrl(m[0]) });
    }
  }
  return out;
}

/**
 * What a translation links to or marks up that its English does not (each once): `a URL not in
 * the English: https://…`. Empty when it brings in nothing new.
 */
export function linkProblems(english: string | readonly string[], target: string | readonly string[]): string[] {
  const allowed = new Set(linksOf(english, true).map(normalise));
  const out: string[] = [];
  const said = new Set<string>();
  for (const f of linksOf(target)) {
    const n = normalise(f);
    if (allowed.has(n) || said.has(n)) continue;
    said.add(n);
    out.push(`${f.kind === 'URL' ? 'a URL' : f.kind === 'HTML tag' ? 'an HTML tag' : 'a markdown link'} not in the English: ${f.kind === 'markdown link' ? `(${f.text})` : f.text}`);
  }
  return out;
}
