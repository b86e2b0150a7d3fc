import type { FlowSet } from '../../flows/catalog.ts';
import type { Problem } from '../../flows/problem.ts';
import { html, page } from '../layout.ts';
import type { Staff } from '../staff.ts';

export const PREVIEW_BANNER = 'Preview of the draft: nothing is saved; bookings, applications and handoffs are undone after each message';

/**
 * GET /studio/preview: where to start (flow, question, sample answers, language), the draft's
 * problems if it does not load, and the real Web Chat in a side panel (src/studio/client/preview.ts).
 */
export function previewPage(o: { staff: Staff; set: FlowSet | undefined; problems: Problem[]; startFlow: string; defaultLocale: string; webchatSrc: string; scriptSrc: string }): string {
  const flows = o.set ? [...o.set.flows.values()].sort((a, b) => a.id.localeCompare(b.id)) : [];
  const languages = o.set?.translator.languages ?? [o.defaultLocale];
  const flowOptions = flows.map((f) => `<option value="${html(f.id)}"${f.id === o.startFlow ? ' selected' : ''}>${html(f.id)}</option>`).join('');
  const stepOptions = flows
    .map(
      (f) =>
        `<optgroup label="${html(f.id)}" data-flow="${html(f.id)}">${[...f.asks.entries()]
          .map(([path, ask]) => `<option value="${html(path)}" data-flow="${html(f.id)}">${html(path)} (asks ${html(ask.ask)}, ${html(ask.type)})</option>`)
          .join('')}</optgroup>`,
    )
    .join('');
  const problems = o.problems.filter((p) => p.severity === 'error');
  const body = `
<p class="preview-banner" role="note"><strong>${html(PREVIEW_BANNER)}</strong></p>
${
  problems.length
    ? `<div role="alert" class="preview-problems"><h2>The draft has problems, so it cannot be previewed</h2><ul>${problems
        .slice(0, 30)
        .map((p) => `<li><code>${html(p.file)}:${p.line}:${p.col}</code> ${html(p.message)}</li>`)
        .join('')}</ul></div>`
    : ''
}
<div class="preview-layout">
<form class="preview-form" id="preview-form" novalidate>
  <fieldset>
    <legend>Where the preview starts</legend>
    <label for="preview-flow">Flow</label>
    <select id="preview-flow" name="flow">${flowOptions}</select>
    <label for="preview-step">Start at</label>
    <select id="preview-step" name="step"><option value="">The beginning (greeting)</option>${stepOptions}</select>
    <label for="preview-locale">Language</label>
    <select id="preview-locale" name="locale">${languages.map((l) => `<option value="${html(l)}"${l === o.defaultLocale ? ' selected' : ''}>${html(l)}</option>`).join('')}</select>
  </fieldset>
  <fieldset>
    <legend>Sample answers (when starting at a question)</legend>
    <p id="answers-help">An answer's name as the flow stores it (such as <code>age</code>) and its value: numbers as 19, yes or no as true or false, several values separated by commas.</p>
    <div id="answer-rows"></div>
    <button type="button" id="add-answer">Add an answer</button>
  </fieldset>
  <p><button type="submit" id="start-preview"${problems.length ? ' disabled' : ''}>Start the preview</button></p>
  <fieldset>
    <legend>Save this conversation as a flow test</legend>
    <label for="test-name">Test name</label>
    <input id="test-name" name="testName" type="text" maxlength="120" autocomplete="off" aria-describedby="test-help">
    <p id="test-help">The messages so far, what the draft answered, and what each action returned, as a file in flows/tests of the draft.</p>
    <button type="button" id="save-test" disabled>Save as a flow test</button>
  </fieldset>
  <p id="preview-status" class="preview-status" role="status" aria-live="polite"></p>
</form>
<section class="preview-chat" aria-labelledby="chat-heading">
  <h2 id="chat-heading">Preview chat</h2>
  <div id="webchat" data-webchat-src="${html(o.webchatSrc)}"></div>
</section>
</div>
<script src="${html(o.webchatSrc)}" defer></script>
<script type="module" src="${html(o.scriptSrc)}"></script>`;
  return page({ title: 'Preview the draft', staff: o.staff, active: 'preview', body });
}
