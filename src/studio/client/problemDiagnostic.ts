import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { EditorView } from 'codemirror';
import { problemText, type ClientProblem } from './studioApi.ts';

/** A checker problem as an inline diagnostic at its line:column, with "did you mean" as a fix for those who may edit. */
export function problemDiagnostic(doc: Text, p: ClientProblem, canEdit: boolean): Diagnostic {
  const line = doc.line(Math.min(Math.max(p.line, 1), doc.lines));
  const from = line.from + Math.min(Math.max(p.col - 1, 0), line.length);
  const word = /^[\w.-]*/.exec(doc.sliceString(from, line.to))?.[0] ?? '';
  const to = word ? from + word.length : line.to;
  const suggestion = p.suggestion;
  return {
    from,
    to,
    severity: p.severity,
    source: p.code,
    message: problemText(p),
    ...(suggestion && canEdit ? { actions: [{ name: `Use "${suggestion}"`, apply: (v: EditorView, f: number, t: number) => v.dispatch({ changes: { from: f, to: t, insert: suggestion } }) }] } : {}),
  };
}

/** "No problems." or "2 problems (1 error)." for an editor's status line. */
export function problemSummary(problems: ReadonlyArray<{ severity: string }>): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (problems.length === 0) return 'No problems.';
  return `${problems.length} problem${problems.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}).`;
}
