import { dirOf } from '../../i18n.ts';
import { html } from '../layout.ts';
import type { KeyUse } from './keyUsage.ts';
import type { WordingNotice } from './wordingNotice.ts';
import type { LanguageCounts, TranslationStatus } from '../../translations/status.ts';
import { boxText, fieldName, languageName, reviewedField, shownHash, shownStatusField } from './wordingFields.ts';
import type { CellFlag, WordingCell, WordingFilter, WordingRow, WordingTable } from './wordingRows.ts';

export const PAGE_SIZE = 25;

const FLAG_TEXT: Record<CellFlag, string> = {
  missing: 'missing',
  outdated: 'out of date: the English changed after this was translated',
  placeholders: 'placeholders differ from the English',
};

/** A translation's status in words (never colour alone). */
export const STATUS_TEXT: Record<TranslationStatus, string> = {
  reviewed: 'reviewed',
  'needs-review': 'needs review',
  machine: 'machine translation',
};

export interface WordingPageInput {
  table: WordingTable;
  rows: WordingRow[];
  filter: WordingFilter;
  page: number;
  revision: number;
  canEdit: boolean;
  csrf: string;
  /** The query string of the filter (kept on the form's action and the page links). */
  query: string;
  /** Built on the server (wordingNotice), never taken from the address. */
  notice?: WordingNotice | undefined;
}

const usedText = (used: KeyUse[]): string =>
  used.length === 0
    ? 'Not used by a flow step'
    : `Used in ${used.map((u) => (u.flowId === 'engine' ? 'the assistant itself' : u.flowId === 'commands' ? `command ${u.step}` : `${u.flowId} › ${u.step}`)).join(', ')}`;

function option(value: string, label: string, current: string | undefined): string {
  return `<option value="${html(value)}"${value === (current ?? '') ? ' selected' : ''}>${html(label)}</option>`;
}

function filterForm(o: WordingPageInput, flows: string[]): string {
  const f = o.filter;
  return `<form method="get" action="/studio/wording" class="filters" role="search" aria-label="Filter texts">
<p><label for="f-namespace">File</label> <select id="f-namespace" name="namespace">${option('', 'All files', f.namespace)}${o.table.namespaces.map((n) => option(n, n, f.namespace)).join('')}</select></p>
<p><label for="f-flow">Flow</label> <select id="f-flow" name="flow">${option('', 'All flows', f.flow)}${flows.map((n) => option(n, n, f.flow)).join('')}</select></p>
<p><label for="f-status">Show</label> <select id="f-status" name="status">${option('all', 'All texts', f.status)}${option('missing', 'Missing a translation', f.status)}${option('outdated', 'Out of date or placeholders differ', f.status)}${option('review', 'Not reviewed yet (needs review or machine translation)', f.status)}</select></p>
<p><label for="f-q">Text or key contains</label> <input id="f-q" name="q" type="search" value="${html(f.q ?? '')}"></p>
<p><button type="submit">Show texts</button></p>
</form>`;
}

function noticeOf(o: WordingPageInput): string {
  const n = o.notice;
  if (!n) return '';
  if (n.type === 'saved') {
    const saved = `<p role="status" class="notice">${n.count === 0 ? 'Nothing saved.' : `Saved ${n.count} text${n.count === 1 ? '' : 's'} in the draft.`}</p>`;
    const lost = n.conflicts
      ? `<div role="alert" class="notice error"><p>Not saved, because someone else changed the same text while you were editing: ${html(n.conflicts)}. The page shows their version now; change it again if it still needs it.</p></div>`
      : '';
    return `${saved}${lost}`;
  }
  const message =
    n.type === 'conflict'
      ? `Not saved: ${html(n.by ?? 'someone else')} saved the draft while you were editing. The page now shows their version; make your change again.`
      : `Not saved: ${html(n.message)}`;
  return `<div role="alert" class="notice error"><p>${message}</p></div>`;
}

function cell(row: WordingRow, c: WordingCell, id: string, o: WordingPageInput): string {
  const lang = html(c.lang);
  const dir = dirOf(c.lang);
  const statusId = `${id}-${c.lang}-status`;
  const flags = c.lang === 'en' && c.flags.includes('missing') ? ['not in English'] : c.flags.map((f) => FLAG_TEXT[f]);
  const status = `<p id="${statusId}" class="flags">${flags.length ? flags.map((f) => `<strong class="flag">${html(f)}</strong>`).join(' ') : 'ok'}</p>`;
  let grade = '';
  if (c.lang === 'en' && row.readability) {
    const g = row.readability;
    grade = `<p id="${id}-grade" class="grade">${g.flagged ? `<strong class="flag">hard to read: reading grade ${g.grade}, above ${o.table.maxGrade}</strong>` : `Reading grade ${Math.max(0, g.grade)}`}</p>`;
  }
  const trustId = `${id}-${c.lang}-trust`;
  const trust = c.status ? `<p id="${trustId}" class="trust">Translation: <strong>${STATUS_TEXT[c.status]}</strong></p>` : '';
  const describedBy = [`${id}-key`, statusId, ...(grade ? [`${id}-grade`] : []), ...(trust ? [trustId] : [])].join(' ');
  const text = boxText(c.value);
  // Translators tick what a fluent speaker has checked; a text changed without the tick needs review.
  const review =
    o.canEdit && c.lang !== 'en'
      ? `<p class="review"><input type="checkbox" id="${id}-${lang}-reviewed" name="${html(reviewedField(c.lang, row.namespace, row.key))}" value="1"${c.status === 'reviewed' ? ' checked' : ''}> <label for="${id}-${lang}-reviewed">Reviewed by a fluent speaker</label><input type="hidden" name="${html(shownStatusField(c.lang, row.namespace, row.key))}" value="${c.status ?? 'missing'}"></p>`
      : '';
  const editor = o.canEdit
    ? `<label for="${id}-${lang}">${html(languageName(c.lang))}${row.list ? ' (one per line)' : ''}</label>
<textarea id="${id}-${lang}" name="${html(fieldName(c.lang, row.namespace, row.key))}" lang="${lang}" dir="${dir}" rows="${Math.min(8, Math.max(2, text.split('\n').length + 1))}" aria-describedby="${describedBy}">
${html(text)}</textarea><input type="hidden" name="${html(`h${fieldName(c.lang, row.namespace, row.key).slice(1)}`)}" value="${shownHash(c.value)}">`
    : `<div lang="${lang}" dir="${dir}" class="text">${row.list ? `<ul>${[c.value ?? []].flat().map((t) => `<li>${html(t)}</li>`).join('')}</ul>` : html(text)}</div>`;
  return `<td${c.flags.length ? ' class="flagged"' : ''}>${editor}${review}${status}${trust}${grade}</td>`;
}

function tables(o: WordingPageInput, rows: WordingRow[], offset: number): string {
  const out: string[] = [];
  let i = offset;
  for (const ns of o.table.namespaces) {
    const these = rows.filter((r) => r.namespace === ns);
    if (these.length === 0) continue;
    out.push(`<h2 id="ns-${html(ns)}">${html(ns)} <span class="files">(locales/…/${html(ns)}.json)</span></h2>
<table class="wording">
<thead><tr><th scope="col">Text</th>${o.table.languages.map((l) => `<th scope="col">${html(languageName(l))} (${html(l)})</th>`).join('')}</tr></thead>
<tbody>
${these
  .map((r) => {
    const id = `r${++i}`;
    return `<tr><th scope="row" id="${id}-key"><code>${html(r.key)}</code><br><span class="used">${html(usedText(r.used))}</span></th>${r.cells.map((c) => cell(r, c, id, o)).join('')}</tr>`;
  })
  .join('\n')}
</tbody>
</table>`);
  }
  return out.join('\n');
}

function pager(o: WordingPageInput, pages: number): string {
  if (pages <= 1) return '';
  const link = (p: number, label: string) => {
    const q = new URLSearchParams(o.query);
    q.set('page', String(p));
    return `<a href="/studio/wording?${html(q.toString())}">${label}</a>`;
  };
  return `<nav aria-label="Pages of texts" class="pager"><p>${o.page > 1 ? link(o.page - 1, 'Previous page') : ''} Page ${o.page} of ${pages} ${o.page < pages ? link(o.page + 1, 'Next page') : ''}</p></nav>`;
}

// The wording view's own rules, beside the studio's stylesheet (the CSP allows inline styles).
// A flagged cell also says why in words: the colour only helps to find it.
const STYLE = `<style>
table.wording th[scope="row"] { width: 15rem; overflow-wrap: anywhere; }
table.wording textarea { width: 100%; min-width: 12rem; display: block; }
table.wording td.flagged { background: #fff8e1; box-shadow: inset 4px 0 0 #6b4b00; }
table.wording .flag { color: #5c4000; }
.used, .grade, .flags, .trust, .review { font-size: .85rem; margin: .2rem 0; }
table.counts td { text-align: right; }
details.help { margin: .5rem 0; }
details.help summary { min-height: 1.5rem; padding: .15rem 0; }
.review { display: flex; align-items: center; gap: .4rem; }
.review input[type="checkbox"] { width: 1.5rem; height: 1.5rem; margin: 0; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-end; }
.filters p { margin: 0; display: flex; flex-direction: column; }
.notice { padding: .4rem .6rem; border: 2px solid #0b4f9c; border-radius: 4px; }
.notice.error { border-color: #a4000f; }
h2 .files { font-weight: normal; font-size: .9rem; }
.pager a { display: inline-block; padding: .25rem .5rem; }
</style>`;

function countsTable(counts: readonly LanguageCounts[]): string {
  if (!counts.length) return '';
  return `<table class="counts">
<caption>Translation status per language</caption>
<thead><tr><th scope="col">Language</th><th scope="col">Texts</th><th scope="col">Reviewed</th><th scope="col">Needs review</th><th scope="col">Machine translation</th><th scope="col">Missing</th></tr></thead>
<tbody>
${counts.map((c) => `<tr><th scope="row">${html(languageName(c.lang))} (${html(c.lang)})</th><td>${c.total}</td><td>${c.reviewed}</td><td>${c.needsReview}</td><td>${c.machine}</td><td>${c.missing}</td></tr>`).join('\n')}
</tbody>
</table>`;
}

/** The body of the wording page (inside the studio's `page()` shell). */
export function wordingPage(o: WordingPageInput): string {
  const flows = [...new Set(o.table.rows.flatMap((r) => r.used.map((u) => u.flowId)))].filter((f) => f !== 'engine').sort();
  const pages = Math.max(1, Math.ceil(o.rows.length / PAGE_SIZE));
  const page = Math.min(o.page, pages);
  const offset = (page - 1) * PAGE_SIZE;
  const shown = o.rows.slice(offset, offset + PAGE_SIZE);
  const broken = o.table.broken.length
    ? `<div role="alert" class="notice error"><p>These files cannot be shown until they are fixed in the flow editor:</p><ul>${o.table.broken.map((b) => `<li><code>${html(b.path)}</code>: ${html(b.reason)}</li>`).join('')}</ul></div>`
    : '';
  const summary = `<p>${o.rows.length === 0 ? 'No text matches.' : `${o.rows.length} text${o.rows.length === 1 ? '' : 's'} match; showing ${offset + 1} to ${offset + shown.length}.`} A translation marked <strong>missing</strong> or <strong>out of date</strong> needs work; English texts above reading grade ${o.table.maxGrade} are marked <strong>hard to read</strong>.</p>`;
  const action = `/studio/wording${o.query ? `?${html(o.query)}` : ''}`;
  const body = o.canEdit
    ? `<form method="post" action="${action}" class="wording-form">
<input type="hidden" name="csrf" value="${html(o.csrf)}">
<input type="hidden" name="revision" value="${o.revision}">
${tables(o, shown, offset)}
${shown.length ? '<p><button type="submit">Save changes to the draft</button></p>' : ''}
</form>`
    : tables(o, shown, offset);
  return `${STYLE}
${noticeOf(o)}${broken}
<p>Every text of the draft, one column per language. Changes go into the draft; they reach residents when a coordinator publishes it.</p>
<details class="help"><summary>How "out of date" is decided</summary>
<p>A translation is out of date when the English now differs from the English it was translated against: the English of the published version (or the draft) in which the translation last changed. If an English change is undone, the translation is up to date again.</p>
<p>The studio compares published versions and the draft, not each save. A translation changed in the same draft as its English counts as written for the new English, even if it was saved before the English changed: check such pairs before publishing.</p>
</details>
<details class="help"><summary>What "reviewed", "needs review" and "machine translation" mean</summary>
<p><strong>Reviewed</strong>: a fluent speaker checked the translation. <strong>Needs review</strong>: written by someone who cannot vouch for it, or changed since it was reviewed. <strong>Machine translation</strong>: from a translation service, never read by a person. Tick "Reviewed by a fluent speaker" when you have checked a text; a text changed without the tick needs review again. Translators working outside the studio export and import a file with "anchorline translations" (docs/translations.md).</p>
</details>
${countsTable(o.table.counts)}
${filterForm(o, flows)}
${summary}
${body}
${pager({ ...o, page }, pages)}`;
}
