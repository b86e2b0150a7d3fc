import { parseYamlLine } from './applyEdit.ts';
import { el } from './studioApi.ts';
import type { FieldPath, FormEdit, FormField } from './schemaForm.ts';

export interface RenderOptions {
  onEdit(edit: FormEdit, structural: boolean): void;
  /** The English wording of an i18n key, or undefined when the key has none. */
  wording(key: string): string | undefined;
  disabled: boolean;
}

const idOf = (path: FieldPath): string => `f-${path.join('-')}`;
const labelText = (f: FormField): string => `${f.label}${f.required ? '' : ' (optional)'}`;

function wordingNote(key: string, o: RenderOptions): string {
  if (!key) return '';
  const w = o.wording(key);
  return w === undefined ? 'No English wording for this key yet.' : `English: “${w}”`;
}

function input(f: FormField & { kind: 'text' | 'number' | 'yaml' }, o: RenderOptions): HTMLElement {
  const id = idOf(f.path);
  const box = el('input', { id, type: f.kind === 'number' ? 'number' : 'text', class: f.kind === 'yaml' ? 'mono' : undefined, spellcheck: 'false' });
  box.value = f.value === undefined ? '' : String(f.value);
  const note = el('span', { class: 'note', id: `${id}-note` });
  if (f.kind === 'text' && f.i18nKey) note.textContent = wordingNote(f.value, o);
  if (f.kind === 'yaml') note.textContent = f.label === 'if' ? 'A condition in YAML, e.g. { equals: [age, 18] }' : 'Written in YAML: a value, [a, list] or { name: value }';
  box.setAttribute('aria-describedby', note.id);
  box.addEventListener('change', () => {
    const raw = box.value.trim();
    box.removeAttribute('aria-invalid');
    if (raw === '' && !f.required) return o.onEdit({ op: 'delete', path: f.path }, false);
    if (f.kind === 'number') return o.onEdit({ op: 'set', path: f.path, value: Number(raw) }, false);
    if (f.kind === 'yaml') {
      const parsed = parseYamlLine(raw);
      if (!parsed.ok) {
        box.setAttribute('aria-invalid', 'true');
        note.textContent = `Not valid YAML: ${parsed.message}`;
        return;
      }
      return o.onEdit({ op: 'set', path: f.path, value: parsed.value }, false);
    }
    if (f.i18nKey) note.textContent = wordingNote(raw, o);
    o.onEdit({ op: 'set', path: f.path, value: raw }, false);
  });
  return el('div', { class: 'field' }, el('label', { for: id }, labelText(f)), box, note);
}

function select(f: FormField & { kind: 'select' }, o: RenderOptions): HTMLElement {
  const id = idOf(f.path);
  const s = el('select', { id });
  if (!f.required || f.value === undefined) s.append(el('option', { value: '' }, '(not set)'));
  for (const opt of f.options) s.append(el('option', { value: opt.value, selected: opt.value === f.value }, opt.label));
  s.addEventListener('change', () => {
    if (s.value === '') o.onEdit({ op: 'delete', path: f.path }, false);
    else o.onEdit({ op: 'set', path: f.path, value: JSON.parse(s.value) as unknown }, false);
  });
  return el('div', { class: 'field' }, el('label', { for: id }, labelText(f)), s);
}

function checkbox(f: FormField & { kind: 'checkbox' }, o: RenderOptions): HTMLElement {
  const id = idOf(f.path);
  const c = el('input', { id, type: 'checkbox', checked: f.value });
  c.addEventListener('change', () => o.onEdit(c.checked || f.required ? { op: 'set', path: f.path, value: c.checked } : { op: 'delete', path: f.path }, false));
  return el('div', { class: 'field check' }, c, el('label', { for: id }, labelText(f)));
}

function list(f: FormField & { kind: 'list' }, o: RenderOptions): HTMLElement {
  const box = el('fieldset', { class: 'list', id: idOf(f.path) }, el('legend', {}, labelText(f)));
  f.items.forEach((item, i) => {
    const remove = el('button', { type: 'button', class: 'remove', id: `${idOf(item.path)}-remove` }, `Remove ${item.label}`);
    remove.addEventListener('click', () => o.onEdit({ op: 'delete', path: [...f.path, i] }, true));
    box.append(el('div', { class: 'item' }, renderField(item, o), remove));
  });
  const add = el('button', { type: 'button', class: 'add', id: `${idOf(f.path)}-add` }, `Add ${f.itemLabel}`);
  add.addEventListener('click', () => o.onEdit({ op: 'add', path: f.path, value: f.addValue }, true));
  box.append(add);
  return box;
}

function switcher(f: FormField & { kind: 'switch' }, o: RenderOptions): HTMLElement {
  const id = `${idOf(f.path)}-kind`;
  const s = el('select', { id });
  if (!f.required) s.append(el('option', { value: '-1', selected: f.selected < 0 }, '(not set)'));
  f.options.forEach((opt, i) => s.append(el('option', { value: String(i), selected: i === f.selected }, opt.label)));
  s.addEventListener('change', () => {
    const i = Number(s.value);
    const opt = f.options[i];
    o.onEdit(opt ? { op: 'set', path: f.path, value: opt.value } : { op: 'delete', path: f.path }, true);
  });
  const box = el('fieldset', { class: 'switch' }, el('legend', {}, labelText(f)), el('div', { class: 'field' }, el('label', { for: id }, `${f.label} is`), s));
  if (f.field) box.append(f.field.kind === 'group' ? el('div', { class: 'fields' }, ...f.field.fields.map((x) => renderField(x, o))) : renderField(f.field, o));
  return box;
}

function group(f: FormField & { kind: 'group' }, o: RenderOptions): HTMLElement {
  const box = el('fieldset', { class: 'group' }, el('legend', {}, labelText(f)), ...f.fields.map((x) => renderField(x, o)));
  if (f.present || f.required) return box;
  return el('details', { class: 'optional' }, el('summary', {}, `${f.label} (not set)`), box);
}

/** One generated field as HTML controls; every change goes to `onEdit` as a YAML edit. */
export function renderField(f: FormField, o: RenderOptions): HTMLElement {
  switch (f.kind) {
    case 'text':
    case 'number':
    case 'yaml':
      return input(f, o);
    case 'select':
      return select(f, o);
    case 'checkbox':
      return checkbox(f, o);
    case 'list':
      return list(f, o);
    case 'switch':
      return switcher(f, o);
    case 'group':
      return group(f, o);
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** The whole form of a step, disabled for staff who may not edit flows or while the YAML does not parse. */
export function renderForm(f: FormField, title: string, o: RenderOptions): HTMLElement {
  const fields = f.kind === 'group' ? f.fields.map((x) => renderField(x, o)) : [renderField(f, o)];
  const fs = el('fieldset', { class: 'step-form', disabled: o.disabled }, el('legend', {}, title), ...fields);
  const form = el('form', { 'aria-label': title, novalidate: true }, fs);
  // A field's change is saved as it happens; Enter must not post the page.
  form.addEventListener('submit', (e) => e.preventDefault());
  return form;
}
