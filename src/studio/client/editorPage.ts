import { setDiagnostics } from '@codemirror/lint';
import { EditorView } from 'codemirror';
import { can, roleSchema } from '../staff.ts';
import { applyEdit } from './applyEdit.ts';
import { centreOn, drawDiagram } from './diagramView.ts';
import { englishWording } from './englishWording.ts';
import { flowOutline, type FlowOutline } from './flowOutline.ts';
import { studioSchemaSchema, type StudioSchema } from './jsonSchema.ts';
import { problemDiagnostic, problemSummary } from './problemDiagnostic.ts';
import { renderForm } from './renderForm.ts';
import { headerForm, stepForm, type FormEdit } from './schemaForm.ts';
import { showConflict } from './conflictPanel.ts';
import { yamlSourceView } from './yamlSourceView.ts';
import { draftSaver, type Conflict, type DraftSaver } from './draftSaver.ts';
import { api, checkSchema, draftSchema, el, staffRole, type ClientProblem } from './studioApi.ts';
/** The outline's first entry: the flow's own fields rather than a step. */
const SETTINGS = '';
const REDRAW_AFTER_MS = 400;

const root = document.getElementById('editor')!;
const flowId = root.dataset['flow'] ?? '';
const file = `flows/${flowId}.flow.yaml`;
const statusBox = document.getElementById('status')!;
const outlineBox = document.getElementById('outline')!;
const formBox = document.getElementById('step-form')!;
const sourceBox = document.getElementById('source')!;
const diagramBox = document.getElementById('diagram')!;
const conflictBox = document.getElementById('conflict')!;
// In-between states ("Unsaved changes…", "Saving…") are shown here, outside the live region:
// a screen reader would otherwise hear them at every pause in typing. The status announces results.
const progressBox = document.getElementById('progress')!;
// Only roles with 'edit' change flows; translators work on the Wording page, viewers read.
const role = roleSchema.safeParse(staffRole());
const canEdit = role.success && can(role.data, 'edit');

let schema: StudioSchema;
let wording = new Map<string, string>();
let view: EditorView;
let saver: DraftSaver | undefined;
let problems: ClientProblem[] = [];
let outline: FlowOutline = { ok: true, id: flowId, steps: [], header: {} };
/** The step shown in the form ({@link SETTINGS} for the flow's own fields). */
let selected: string | undefined;
let drawTimer: ReturnType<typeof setTimeout> | undefined;
let fromForm = false;

const setStatus = (...parts: Array<Node | string>) => statusBox.replaceChildren(...parts);
const ownProblems = () => problems.filter((p) => p.file === file);
const stepProblems = (id: string) => ownProblems().filter((p) => p.path === `steps.${id}` || p.path.startsWith(`steps.${id}.`));

function summary(): string {
  return problemSummary(ownProblems());
}

function showDiagnostics(): void {
  view.dispatch(setDiagnostics(view.state, ownProblems().map((p) => problemDiagnostic(view.state.doc, p, canEdit))));
}

function renderOutline(): void {
  if (!outline.ok) {
    outlineBox.replaceChildren(el('p', { class: 'parse-error', role: 'alert' }, `The YAML does not parse (line ${outline.line}, column ${outline.col}): ${outline.message}`));
    return;
  }
  const list = el('ol', { class: 'outline' });
  const flowProblems = ownProblems().filter((p) => !p.path.startsWith('steps.')).length;
  const settings = el(
    'button',
    { type: 'button', id: 'flow-settings', 'aria-current': selected === SETTINGS ? 'true' : undefined },
    el('span', { class: 'step-id' }, 'Flow settings'),
    el('span', { class: 'step-summary' }, 'id, start, fallback, summary'),
    ...(flowProblems ? [el('span', { class: 'badge' }, `${flowProblems} problem${flowProblems === 1 ? '' : 's'}`)] : []),
  );
  settings.addEventListener('click', () => selectStep(SETTINGS));
  list.append(el('li', {}, settings));
  for (const s of outline.steps) {
    const n = stepProblems(s.id).length;
    const button = el(
      'button',
      { type: 'button', id: `step-${s.id}`, 'aria-current': s.id === selected ? 'true' : undefined },
      el('span', { class: 'step-id' }, s.id),
      el('span', { class: 'step-kind' }, s.kind ?? '?'),
      el('span', { class: 'step-summary' }, s.summary),
      ...(n ? [el('span', { class: 'badge' }, `${n} problem${n === 1 ? '' : 's'}`)] : []),
    );
    button.addEventListener('click', () => selectStep(s.id));
    list.append(el('li', {}, button));
  }
  outlineBox.replaceChildren(list);
}

function renderStepForm(): void {
  if (!outline.ok) {
    formBox.querySelector('fieldset')?.setAttribute('disabled', '');
    return;
  }
  if (selected === SETTINGS) {
    const field = headerForm(schema.header, outline.header, schema.keyPattern);
    formBox.replaceChildren(renderForm(field, `Flow ${outline.id} settings`, { onEdit, wording: (k) => wording.get(k), disabled: !canEdit }));
    return;
  }
  const step = outline.steps.find((s) => s.id === selected);
  if (!step) {
    formBox.replaceChildren(el('p', {}, 'Choose a step from the list.'));
    return;
  }
  const kindSchema = step.kind ? schema.steps[step.kind] : undefined;
  if (!kindSchema) {
    formBox.replaceChildren(el('p', {}, `Step ${step.id} has no kind the studio knows (${Object.keys(schema.steps).join(', ')}): edit it in the YAML source.`));
    return;
  }
  const field = stepForm(kindSchema, step.id, step.value, schema.keyPattern);
  const focused = document.activeElement?.id;
  formBox.replaceChildren(renderForm(field, `Step ${step.id} (${step.kind})`, { onEdit, wording: (k) => wording.get(k), disabled: !canEdit }));
  if (focused && formBox.contains(document.getElementById(focused))) document.getElementById(focused)?.focus();
}

function selectStep(id: string): void {
  selected = id;
  renderOutline();
  renderStepForm();
  centreOn(diagramBox, id);
  document.getElementById('form-h')?.scrollIntoView({ block: 'nearest' });
  (formBox.querySelector('input, select, button') as HTMLElement | null)?.focus();
}

function scheduleDiagram(): void {
  clearTimeout(drawTimer);
  drawTimer = setTimeout(() => {
    if (!outline.ok) return;
    const centre = selected || outline.steps[0]?.id;
    drawDiagram(diagramBox, outline.steps, selectStep, centre).then(
      () => centreOn(diagramBox, centre),
      () => {
        diagramBox.textContent = 'The diagram could not be drawn.';
      },
    );
  }, REDRAW_AFTER_MS);
}

/** A form edit becomes a change of the source text (the truth); the views follow from there. */
function onEdit(edit: FormEdit, structural: boolean): void {
  let next: string;
  try {
    next = applyEdit(view.state.doc.toString(), edit);
  } catch (err) {
    setStatus(`Not changed: ${(err as Error).message}`);
    return;
  }
  const old = view.state.doc.toString();
  // The smallest replacement keeps the editor's cursor and undo history meaningful.
  let from = 0;
  while (from < old.length && from < next.length && old[from] === next[from]) from++;
  let endOld = old.length;
  let endNew = next.length;
  while (endOld > from && endNew > from && old[endOld - 1] === next[endNew - 1]) {
    endOld--;
    endNew--;
  }
  fromForm = !structural;
  // Scrolled into view: the coordinator sees the form's change in the source.
  view.dispatch({ changes: { from, to: endOld, insert: next.slice(from, endNew) }, effects: EditorView.scrollIntoView(from, { y: 'center' }) });
  fromForm = false;
}

function onSourceChanged(): void {
  outline = flowOutline(view.state.doc.toString(), Object.keys(schema.steps));
  renderOutline();
  // A field the coordinator is typing in is not rebuilt under their cursor.
  if (!fromForm) renderStepForm();
  scheduleDiagram();
  saver?.changed();
}

function onConflict(c: Conflict): void {
  showConflict({ box: conflictBox, file, what: 'flow', conflict: c, view, saver, setStatus, summary });
}

async function start(): Promise<void> {
  const [s, draft, check] = await Promise.all([api('GET', '/schema', studioSchemaSchema), api('GET', '/draft', draftSchema), api('GET', '/draft/check', checkSchema)]);
  schema = s;
  problems = check.problems;
  wording = englishWording(draft.files);
  const text = draft.files[file];
  if (text === undefined) {
    setStatus(`The draft has no flow "${flowId}".`);
    return;
  }
  view = yamlSourceView({ parent: sourceBox, doc: text, canEdit, label: `YAML source of flow ${flowId}`, changed: () => onSourceChanged() });
  if (canEdit) {
    saver = draftSaver({
      file,
      base: text,
      revision: draft.revision,
      text: () => view.state.doc.toString(),
      progress: (t) => {
        progressBox.textContent = t;
        // The last result no longer holds once there are new changes; emptying is not announced.
        if (t) statusBox.replaceChildren();
      },
      saved: (saved) => {
        problems = saved.problems;
        showDiagnostics();
        renderOutline();
        setStatus(`Saved. ${summary()}`);
      },
      failed: (message) => setStatus(`Not saved: ${message}.`),
      conflict: onConflict,
    });
  }
  outline = flowOutline(text, Object.keys(schema.steps));
  const atLine = /^#L(\d+)$/.exec(location.hash);
  if (atLine) {
    const line = view.state.doc.line(Math.min(Number(atLine[1]), view.state.doc.lines));
    view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
  }
  selected = outline.ok ? outline.steps[0]?.id : undefined;
  renderOutline();
  renderStepForm();
  showDiagnostics();
  scheduleDiagram();
  setStatus(`${canEdit ? 'Editing the draft.' : 'Read only: your role cannot change flows.'} ${summary()}`);
}

start().catch((err: unknown) => setStatus(`The editor could not load: ${err instanceof Error ? err.message : 'unknown error'}.`));
