import { yaml } from '@codemirror/lang-yaml';
import { lintGutter } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { basicSetup, EditorView } from 'codemirror';

/** The CodeMirror YAML editor both the flow editor and the source editor show a draft file in. */
export function yamlSourceView(o: { parent: HTMLElement; doc: string; canEdit: boolean; label: string; changed: () => void }): EditorView {
  return new EditorView({
    parent: o.parent,
    state: EditorState.create({
      doc: o.doc,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        EditorState.readOnly.of(!o.canEdit),
        // tabindex: axe counts contenteditable as no keyboard access to the scrolling region.
        EditorView.contentAttributes.of({ 'aria-label': o.label, tabindex: '0' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) o.changed();
        }),
      ],
    }),
  });
}
