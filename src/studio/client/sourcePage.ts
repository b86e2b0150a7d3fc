import { setDiagnostics } from '@codemirror/lint';
import type { EditorView } from 'codemirror';
import { isFlowTestPath } from '../flows/sourceFiles.ts';
import { can, roleSchema } from '../staff.ts';
import { showConflict } from './conflictPanel.ts';
import { yamlSourceView } from './yamlSourceView.ts';
import { draftSaver, type Conflict, type DraftSaver } from './draftSaver.ts';
import { problemDiagnostic, problemSummary } from './problemDiagnostic.ts';
import { api, ApiError, checkSchema, draftSchema, el, savedSchema, staffRole, type ClientProblem } from './studioApi.ts';

/**
 * The source editor for the draft's files that are not flows or wording (flow tests, commands,
 * the readability allow-list): the YAML in CodeMirror with the checker's problems inline, saved
 * as the coordinator types, like the flow editor's source pane. A flow test can be removed.
 */
const root = document.getElementById('source-editor')!;
const file = root.dataset['file'] ?? '';
const statusBox = document.getElementById('status')!;
// In-between states, outside the live region (the status announces results only).
const progressBox = document.getElementById('progress')!;
const conflictBox = document.getElementById('conflict')!;
const sourceBox = document.getElementById('source')!;
const actionsBox = document.getElementById('file-actions')!;
const role = roleSchema.safeParse(staffRole());
const canEdit = role.success && can(role.data, 'edit');

let view: EditorView;
let saver: DraftSaver | undefined;
let problems: ClientProblem[] = [];

const setStatus = (...parts: Array<Node | string>) => statusBox.replaceChildren(...parts);
const ownProblems = () => problems.filter((p) => p.file === file);

function summary(): string {
  return problemSummary(ownProblems());
}

function showDiagnostics(): void {
  view.dispatch(setDiagnostics(view.state, ownProblems().map((p) => problemDiagnostic(view.state.doc, p, canEdit))));
}

function onConflict(c: Conflict): void {
  showConflict({ box: conflictBox, file, what: 'file', conflict: c, view, saver, setStatus, summary });
}

/** "Remove this test from the draft", then a confirmation naming it: the removal is saved at once. */
function removeButton(): HTMLElement {
  const ask = el('button', { type: 'button', id: 'remove-file', class: 'danger' }, 'Remove this test from the draft…');
  const box = el('div', { class: 'remove' }, ask);
  ask.addEventListener('click', () => {
    const yes = el('button', { type: 'button', id: 'remove-file-yes', class: 'danger' }, `Yes, remove ${file}`);
    const no = el('button', { type: 'button', id: 'remove-file-no' }, 'No, keep it');
    const confirm = el('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'remove-q' }, el('p', { id: 'remove-q' }, `Remove ${file} from the draft? Publishing will no longer run it.`), yes, no);
    no.addEventListener('click', () => {
      box.replaceChildren(ask);
      ask.focus();
    });
    yes.addEventListener('click', () => {
      yes.disabled = true;
      void (async () => {
        await saver?.flush();
        try {
          await api('PUT', '/draft/files', savedSchema, { revision: 0, base: { [file]: view.state.doc.toString() }, files: { [file]: null } });
          location.assign('/studio/flows?removed=1');
        } catch (err) {
          yes.disabled = false;
          setStatus(`Not removed: ${err instanceof ApiError || err instanceof Error ? err.message : 'the studio did not answer'}.`);
        }
      })();
    });
    box.replaceChildren(confirm);
    yes.focus();
  });
  return box;
}

async function start(): Promise<void> {
  const [draft, check] = await Promise.all([api('GET', '/draft', draftSchema), api('GET', '/draft/check', checkSchema)]);
  problems = check.problems;
  const text = draft.files[file];
  if (text === undefined) {
    setStatus(`The draft has no file ${file}.`);
    return;
  }
  view = yamlSourceView({ parent: sourceBox, doc: text, canEdit, label: `YAML source of ${file}`, changed: () => saver?.changed() });
  if (canEdit) {
    saver = draftSaver({
      file,
      base: text,
      revision: draft.revision,
      text: () => view.state.doc.toString(),
      progress: (t) => {
        progressBox.textContent = t;
        if (t) statusBox.replaceChildren();
      },
      saved: (saved) => {
        problems = saved.problems;
        showDiagnostics();
        setStatus(`Saved. ${summary()}`);
      },
      failed: (message) => setStatus(`Not saved: ${message}.`),
      conflict: onConflict,
    });
    if (isFlowTestPath(file)) actionsBox.replaceChildren(removeButton());
  }
  const atLine = /^#L(\d+)$/.exec(location.hash);
  if (atLine) {
    const line = view.state.doc.line(Math.min(Number(atLine[1]), view.state.doc.lines));
    view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
  }
  showDiagnostics();
  setStatus(`${canEdit ? 'Editing the draft.' : 'Read only: your role cannot change this file.'} ${summary()}`);
}

start().catch((err: unknown) => setStatus(`The editor could not load: ${err instanceof Error ? err.message : 'unknown error'}.`));
