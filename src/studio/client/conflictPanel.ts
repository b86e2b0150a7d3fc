import type { EditorView } from 'codemirror';
import type { Conflict, DraftSaver } from './draftSaver.ts';
import { el } from './studioApi.ts';

export interface ConflictChoice {
  file: string;
  who: string;
  /** The editor's text, not saved. */
  mine: string;
  /** What the draft holds now (null: removed). */
  theirs: string | null;
  /** Save the editor's text over theirs. */
  keepMine(): void;
  /** Put their text in the editor, dropping the unsaved change. */
  takeTheirs(): void;
}

const versionBox = (id: string, label: string, text: string) =>
  el('div', { class: 'version' }, el('label', { for: id }, label), el('textarea', { id, readonly: true, rows: '14', spellcheck: 'false' }, text));

/**
 * Someone else saved the same file meanwhile: both versions side by side, the coordinator's still
 * in the editor and never thrown away unasked; they copy it, save it over theirs, or take theirs.
 */
export function conflictPanel(c: ConflictChoice): HTMLElement {
  const copied = el('span', { class: 'hint', role: 'status' });
  const copy = el('button', { type: 'button', id: 'conflict-copy' }, 'Copy my text');
  copy.addEventListener('click', () => {
    const mine = document.getElementById('conflict-mine');
    navigator.clipboard.writeText(c.mine).then(
      () => (copied.textContent = 'Copied.'),
      () => {
        // Without clipboard access: select it, so Ctrl+C copies it.
        if (mine instanceof HTMLTextAreaElement) {
          mine.focus();
          mine.select();
        }
        copied.textContent = 'Selected: press Ctrl+C to copy.';
      },
    );
  });
  const keep = el('button', { type: 'button', id: 'conflict-keep' }, 'Save mine over theirs');
  keep.addEventListener('click', () => c.keepMine());
  const take = el('button', { type: 'button', id: 'conflict-take' }, 'Take theirs (drop my changes)');
  take.addEventListener('click', () => c.takeTheirs());
  return el(
    'section',
    { class: 'conflict', 'aria-labelledby': 'conflict-h' },
    el('h2', { id: 'conflict-h' }, `${c.who} saved ${c.file} while you were editing it`),
    el('p', {}, 'Your text is still in the editor and has not been saved. Compare the two versions, then choose.'),
    el(
      'div',
      { class: 'versions' },
      versionBox('conflict-mine', 'Your version (not saved)', c.mine),
      versionBox('conflict-theirs', `Their version (in the draft now)`, c.theirs ?? '(they removed this file from the draft)'),
    ),
    el('div', { class: 'actions' }, copy, keep, take, copied),
  );
}

/**
 * An editor's save conflict, shown in `box`: "save mine" saves the editor's text over theirs;
 * "take theirs" puts their text in the editor (or leaves for the flow list when they removed it).
 */
export function showConflict(o: {
  box: HTMLElement;
  file: string;
  /** What the page edits, for the message: "flow" or "file". */
  what: string;
  conflict: Conflict;
  view: EditorView;
  saver: DraftSaver | undefined;
  setStatus(text: string): void;
  summary(): string;
}): void {
  const { box, conflict: c, view } = o;
  o.setStatus(`Not saved: ${c.who} saved this ${o.what} while you were editing it. Your text is kept in the editor; compare it with theirs below.`);
  box.replaceChildren(
    conflictPanel({
      file: o.file,
      who: c.who,
      mine: view.state.doc.toString(),
      theirs: c.theirs,
      keepMine: () => {
        box.replaceChildren();
        o.saver?.rebase(c.theirs);
        void o.saver?.flush();
      },
      takeTheirs: () => {
        box.replaceChildren();
        if (c.theirs === null) {
          location.assign('/studio/flows');
          return;
        }
        o.saver?.rebase(c.theirs);
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: c.theirs } });
        o.setStatus(`Their version is in the editor. ${o.summary()}`);
      },
    }),
  );
  box.querySelector('h2')?.scrollIntoView({ block: 'nearest' });
}
