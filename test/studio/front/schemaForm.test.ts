import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stepKinds } from '../../../src/flows/schema.ts';
import { applyEdit } from '../../../src/studio/client/applyEdit.ts';
import { flowOutline } from '../../../src/studio/client/flowOutline.ts';
import { jsonSchemaSchema, studioSchemaSchema } from '../../../src/studio/client/jsonSchema.ts';
import { headerForm, stepForm, type FieldPath, type FormField } from '../../../src/studio/client/schemaForm.ts';
import { studioSchema } from '../../../src/studio/pages/studioPages.ts';

// The schema as the browser receives it: through JSON and the client's own reader.
const schema = studioSchemaSchema.parse(JSON.parse(JSON.stringify(studioSchema())));
const main = readFileSync('flows/main.flow.yaml', 'utf8');
const outline = flowOutline(main, Object.keys(schema.steps));
if (!outline.ok) throw new Error('flows/main.flow.yaml does not parse');

const formOf = (id: string): FormField => {
  const step = outline.steps.find((s) => s.id === id)!;
  return stepForm(schema.steps[step.kind!]!, id, step.value, schema.keyPattern);
};
/** The outermost field at a path (a switch before the field of its chosen kind). */
const fieldAt = (f: FormField, path: FieldPath): FormField | undefined => {
  if (JSON.stringify(f.path) === JSON.stringify(path) && (f.path.length > 2 || f.path[0] !== 'steps')) return f;
  const children = f.kind === 'group' ? f.fields : f.kind === 'list' ? f.items : f.kind === 'switch' && f.field ? [f.field] : [];
  for (const c of children) {
    const hit = fieldAt(c, path);
    if (hit) return hit;
  }
  return undefined;
};
const chosen = (f: FormField | undefined): FormField | undefined => (f?.kind === 'switch' ? f.field : f);
const changedLines = (before: string, after: string) => {
  const a = before.split('\n');
  const b = after.split('\n');
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)), lengths: [a.length, b.length] };
};

describe('forms generated from the step schemas', () => {
  it('every step kind of schema.ts has a schema and a form whose fields are its YAML keys', () => {
    expect(Object.keys(schema.steps).sort()).toEqual([...stepKinds].sort());
    for (const kind of stepKinds) {
      const js = jsonSchemaSchema.parse(schema.steps[kind]);
      const form = stepForm(js, 'x', { [kind]: kind === 'end' ? true : kind === 'branch' ? [{ else: 'y' }] : 'y' }, schema.keyPattern);
      expect(form.kind).toBe('group');
      const labels = form.kind === 'group' ? form.fields.map((f) => f.label) : [];
      expect(labels).toContain(kind);
      expect(labels).toEqual(Object.keys(js.properties ?? {}));
    }
  });

  it('an ask step shows its type as a choice list, its keys with wording, and its choices as a list with add', () => {
    const form = formOf('language');
    const type = fieldAt(form, ['steps', 'language', 'type']);
    expect(type).toMatchObject({ kind: 'select', value: '"choice"' });
    expect(type?.kind === 'select' && type.options.map((o) => o.label)).toEqual(['choice', 'yesno', 'text', 'number', 'date', 'postcode', 'email', 'phone']);
    expect(fieldAt(form, ['steps', 'language', 'question'])).toMatchObject({ kind: 'text', value: 'welcome.languageQuestion', i18nKey: true });
    const choices = fieldAt(form, ['steps', 'language', 'choices']);
    expect(choices?.kind).toBe('list');
    expect(choices?.kind === 'list' && choices.items.length).toBe(8);
    const values = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => fieldAt(form, ['steps', 'language', 'choices', i, 'value']));
    expect(values.map((v) => (v?.kind === 'text' ? v.value : v?.kind))).toEqual(['en', 'ur', 'pa', 'bn', 'ar', 'ro', 'pl', 'so']);
    expect(choices?.kind === 'list' && choices.addValue).toEqual({ value: '', label: '' });
    expect(chosen(fieldAt(form, ['steps', 'language', 'choices', 1, 'synonyms']))).toMatchObject({ kind: 'text', value: 'languages.urWords', i18nKey: true });
    expect(fieldAt(form, ['steps', 'language', 'multiple'])).toMatchObject({ kind: 'checkbox', value: false });
  });

  it('end offers true, completed, stopped and handoff in one list', () => {
    const end = fieldAt(formOf('no_consent'), ['steps', 'no_consent', 'end']);
    expect(end).toMatchObject({ kind: 'select', value: '"stopped"' });
    expect(end?.kind === 'select' && end.options.map((o) => o.label)).toEqual(['true', 'completed', 'stopped', 'handoff']);
  });

  it('a field change rewrites only its own line, keeping comments and the other steps as written', () => {
    const after = applyEdit(main, { op: 'set', path: ['steps', 'consent', 'question'], value: 'consent.questionShort' });
    expect(changedLines(main, after)).toEqual({ removed: ['    question: consent.question'], added: ['    question: consent.questionShort'], lengths: [347, 347] });
    expect(after).toContain('# The resident\'s journey: hello, language, privacy and consent, questions about them,');
    expect(after).toContain('      - if: { equals: [consent, true] }');
  });

  it('adding and removing a choice changes only that list', () => {
    // A language the flow does not offer yet (all eight of src/languages.ts are offered).
    const added = applyEdit(main, { op: 'add', path: ['steps', 'language', 'choices'], value: { value: 'cy', label: 'languages.cy' } });
    expect(changedLines(main, added).removed).toEqual([]);
    expect(changedLines(main, added).added).toEqual(['      - { value: cy, label: languages.cy }']);
    const removed = applyEdit(main, { op: 'delete', path: ['steps', 'language', 'choices', 1] });
    expect(changedLines(main, removed).removed).toEqual(['      - { value: ur, label: languages.ur, synonyms: languages.urWords }']);
    expect(changedLines(main, removed).added).toEqual([]);
  });

  it('next switches between one step name and a list of if/goto, carrying the target over', () => {
    // `thanks` has no next: the switcher shows "not set" and offers both kinds.
    const none = fieldAt(formOf('thanks'), ['steps', 'thanks', 'next']);
    expect(none).toMatchObject({ kind: 'switch', selected: -1, field: undefined });
    expect(none?.kind === 'switch' && none.options.map((o) => o.label)).toEqual(['a step name', 'a list (if / goto)']);

    const check = fieldAt(formOf('need_at_risk'), ['steps', 'need_at_risk', 'next']);
    expect(check).toMatchObject({ kind: 'switch', selected: 0, field: { kind: 'text', value: 'check' } });
    const toList = check?.kind === 'switch' ? check.options[1]!.value : undefined;
    expect(toList).toEqual([{ goto: 'check' }]);
    const listed = applyEdit(main, { op: 'set', path: ['steps', 'need_at_risk', 'next'], value: toList });
    expect(listed).toContain('    question: journey.need.atRisk\n    next:\n      - goto: check\n');

    // A list of if/goto: each entry picks its own kind, and the condition is a line of YAML.
    const consent = fieldAt(formOf('consent'), ['steps', 'consent', 'next']);
    expect(consent).toMatchObject({ kind: 'switch', selected: 1 });
    expect(consent?.kind === 'switch' && consent.options[0]!.value).toBe('no_consent');
    expect(fieldAt(formOf('consent'), ['steps', 'consent', 'next', 0, 'if'])).toMatchObject({ kind: 'yaml', value: '{ equals: [consent, true] }' });
    expect(fieldAt(formOf('consent'), ['steps', 'consent', 'next', 1])).toMatchObject({ kind: 'switch', selected: 1 });
    const withIf = applyEdit(main, { op: 'set', path: ['steps', 'consent', 'next', 0, 'if'], value: { equals: ['consent', false] } });
    expect(changedLines(main, withIf).added).toEqual(['      - if: { equals: [consent, false] }']);
  });

  it('a branch lists its ways, each an if/goto or an else', () => {
    const branch = fieldAt(formOf('ask_missing'), ['steps', 'ask_missing', 'branch']);
    expect(branch?.kind === 'list' && branch.items.map((i) => (i.kind === 'switch' ? i.selected : -2))).toEqual([0, 0, 0, 0, 0, 0, 1]);
  });

  it('the flow settings form has the header fields but not the steps, and edits at the top level', () => {
    const form = headerForm(schema.header, outline.header, schema.keyPattern);
    expect(form.kind === 'group' && form.fields.map((f) => f.label)).toEqual(['id', 'description', 'start', 'fallback', 'subflow', 'migrations', 'summary', 'profile']);
    expect(fieldAt(form, ['description'])).toMatchObject({ kind: 'text', value: 'The whole resident journey, from hello to an application.' });
    // A free map (label → answer) is a line of YAML.
    expect(fieldAt(form, ['summary'])).toMatchObject({ kind: 'yaml' });
    const after = applyEdit(main, { op: 'set', path: ['description'], value: 'From hello to an application.' });
    expect(changedLines(main, after)).toEqual({ removed: ['description: The whole resident journey, from hello to an application.'], added: ['description: From hello to an application.'], lengths: [347, 347] });
  });
});
