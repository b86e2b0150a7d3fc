import { z } from 'zod';
import { html } from '../layout.ts';

/**
 * The building blocks of the programme data pages: plain forms that work without JavaScript, with
 * errors next to each field and summarised at the top (WCAG 2.2 AA: 3.3.1, 3.3.3, 1.3.1).
 */

/** What a coordinator typed and what was wrong with it, by field name (the schema's path, e.g. `venue.name`). */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
}

export const emptyForm = (): FormState => ({ values: {}, errors: {} });

/** The id of a field's input in the page; `scope` tells apart the same field in several forms (a session's capacity). */
export const fieldId = (name: string, scope = ''): string => `f-${scope ? `${scope}-` : ''}${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

export const csrfInput = (csrf: string): string => `<input type="hidden" name="csrf" value="${html(csrf)}">`;

export interface FieldOptions {
  name: string;
  label: string;
  form: FormState;
  type?: 'text' | 'number' | 'date' | 'time';
  hint?: string;
  scope?: string;
  /** Extra attributes, trusted (min, max, step, inputmode). */
  attrs?: string;
  required?: boolean;
}

function describedBy(id: string, hint: boolean, error: boolean): string {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ` aria-describedby="${ids.join(' ')}"` : '';
}

const errorLine = (id: string, error: string | undefined) =>
  error ? `<p class="field-error" id="${id}-error"><span class="visually-hidden">Error:</span> ${html(error)}</p>` : '';

/** A labelled input with its hint and error. */
export function field(o: FieldOptions): string {
  const id = fieldId(o.name, o.scope);
  const error = o.form.errors[o.name];
  const value = o.form.values[o.name] ?? '';
  return `<div class="field${error ? ' field-invalid' : ''}">
  <label for="${id}">${html(o.label)}</label>
  ${o.hint ? `<p class="hint" id="${id}-hint">${html(o.hint)}</p>` : ''}
  ${errorLine(id, error)}
  <input id="${id}" name="${html(o.name)}" type="${o.type ?? 'text'}" value="${html(value)}"${o.required === false ? '' : ' required'}${o.attrs ? ` ${o.attrs}` : ''}${error ? ' aria-invalid="true"' : ''}${describedBy(id, Boolean(o.hint), Boolean(error))}>
</div>`;
}

/** A group of radio buttons in a fieldset with its legend. */
export function radios(o: { name: string; legend: string; form: FormState; options: Array<{ value: string; label: string }>; scope?: string }): string {
  const id = fieldId(o.name, o.scope);
  const error = o.form.errors[o.name];
  const chosen = o.form.values[o.name];
  const items = o.options
    .map(
      (opt, i) =>
        `<div class="choice"><input type="radio" id="${i === 0 ? id : `${id}-${i}`}" name="${html(o.name)}" value="${html(opt.value)}"${chosen === opt.value ? ' checked' : ''}${error ? ' aria-invalid="true"' : ''}> <label for="${i === 0 ? id : `${id}-${i}`}">${html(opt.label)}</label></div>`,
    )
    .join('\n');
  return `<fieldset class="field${error ? ' field-invalid' : ''}"${error ? ` aria-describedby="${id}-error"` : ''}><legend>${html(o.legend)}</legend>${errorLine(id, error)}${items}</fieldset>`;
}

/** A select list with its label; it starts on "Choose…" so that nothing is picked by accident. */
export function select(o: { name: string; label: string; form: FormState; options: Array<{ value: string; label: string }>; scope?: string }): string {
  const id = fieldId(o.name, o.scope);
  const error = o.form.errors[o.name];
  const chosen = o.form.values[o.name];
  return `<div class="field${error ? ' field-invalid' : ''}"><label for="${id}">${html(o.label)}</label>${errorLine(id, error)}
  <select id="${id}" name="${html(o.name)}"${error ? ` aria-invalid="true" aria-describedby="${id}-error"` : ''}><option value="">Choose…</option>${o.options
    .map((opt) => `<option value="${html(opt.value)}"${chosen === opt.value ? ' selected' : ''}>${html(opt.label)}</option>`)
    .join('')}</select></div>`;
}

/**
 * "There is a problem": every error, shown first in the main content, each named by its field's
 * label and a link to the field; a problem with no field of its own (none expected) is listed unlinked.
 */
export function errorSummary(errors: Array<{ name: string; message: string; scope?: string }>, labels: Record<string, string>): string {
  if (errors.length === 0) return '';
  const item = (e: { name: string; message: string; scope?: string }) => {
    const label = labels[e.name];
    return label ? `<li><a href="#${fieldId(e.name, e.scope)}">${html(label)}: ${html(e.message)}</a></li>` : `<li>${html(e.message)}</li>`;
  };
  return `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${errors.map(item).join('')}</ul>
</div>`;
}

/** The success message after a change (the page a POST redirected to). */
export function doneNote(message: string | undefined): string {
  return message ? `<div class="done" role="status"><p>${html(message)}</p></div>` : '';
}

/** A table with a caption and column headers (`<th scope="col">`); the first cell of each row is its header. */
export function table(caption: string, headers: string[], rows: string[][], empty = 'None yet.'): string {
  if (rows.length === 0) return `<p>${html(caption)}: ${html(empty)}</p>`;
  return `<table>
<caption>${html(caption)}</caption>
<thead><tr>${headers.map((h) => `<th scope="col">${html(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`).join('\n')}</tbody>
</table>`;
}

/**
 * Plain-English messages for values that are missing or of the wrong kind; a schema's own message
 * (e.g. "use HH:MM (24-hour)") wins over these (zod 4: schema errors come before a parse's).
 */
export const plainErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined || issue.input === '') return 'Enter a value';
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'Enter a number';
  if (issue.code === 'invalid_type' && issue.expected === 'boolean') return 'Choose yes or no';
  if (issue.code === 'invalid_format' && issue.format === 'date') return 'Enter a date (YYYY-MM-DD)';
  if (issue.code === 'invalid_value') return `Choose one of: ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_small' && issue.origin === 'number') return `Enter ${String(issue.minimum)} or more`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `Enter ${String(issue.maximum)} or less`;
  if (issue.code === 'too_small' && issue.origin === 'string') return 'Enter a value';
  return undefined;
};

/** Zod's problems as errors by field (the schema path joined with dots). */
export function errorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of error.issues) {
    const name = i.path.map(String).join('.') || 'form';
    out[name] ??= i.message;
  }
  return out;
}
