import { z } from 'zod';
import { isSourceFilePath, sourceFileHref } from '../flows/sourceFiles.ts';
import { ApiError, el, impactSchema, problemHref, problemSchema, problemText, type ClientImpact, type ClientProblem } from './studioApi.ts';

const failedTestsSchema = z.array(z.object({ file: z.string(), message: z.string() }));

/** Problems as a list, each linked to its line in the flow editor. */
export function problemList(ps: readonly ClientProblem[]): HTMLElement {
  return el(
    'ul',
    { class: 'problems' },
    ...ps.map((p) => {
      const where = `${p.file}:${p.line}:${p.col}`;
      const href = problemHref(p);
      return el('li', { class: p.severity }, el('strong', {}, p.severity === 'error' ? 'Error' : 'Warning'), ' ', href ? el('a', { href }, where) : where, ` ${problemText(p)}`);
    }),
  );
}

const OUTCOME: Record<ClientImpact['groups'][number]['outcome'], string> = {
  unchanged: 'carries on: the step is the same',
  stays: 'stays on the old version until done',
  migrates: 'moves with the declared migration',
  orphaned: 'orphaned: cannot carry on',
};

/** The live-conversation report: residents waiting at each flow, version and step, and what happens to them. */
export function impactTable(impact: ClientImpact): HTMLElement {
  if (impact.groups.length === 0) return el('p', {}, `No resident is waiting at a step this draft changes (${impact.live} conversation${impact.live === 1 ? '' : 's'} in progress).`);
  return el(
    'table',
    { class: 'impact' },
    el('caption', {}, `${impact.live} conversation${impact.live === 1 ? '' : 's'} in progress; ${impact.orphaned} would be orphaned`),
    el('thead', {}, el('tr', {}, ...['Flow', 'Version', 'Step', 'Residents waiting', 'What happens'].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      ...impact.groups.map((g) =>
        el(
          'tr',
          { class: g.outcome },
          el('td', {}, g.flowId),
          el('td', {}, el('code', {}, g.version.slice(0, 8))),
          el('td', {}, g.step),
          el('td', {}, String(g.residents)),
          el('td', {}, `${OUTCOME[g.outcome]}${g.to ? ` → ${g.to}` : ''}${g.reason ? ` (${g.reason})` : ''}`),
        ),
      ),
    ),
  );
}

/** Why a publish or revert was refused (409 publish_blocked), as the coordinator reads it. */
export function refusalReasons(err: ApiError): { box: HTMLElement; impact: ClientImpact | undefined } {
  const box = el('div', { class: 'refusal', role: 'alert' }, el('h2', {}, 'Not published'), el('p', {}, err.message));
  const problems = z.array(problemSchema).safeParse(err.detail['problems']);
  if (problems.success && problems.data.length) box.append(el('h3', {}, 'Problems to fix'), problemList(problems.data));
  const tests = failedTestsSchema.safeParse(err.detail['failedTests']);
  if (tests.success && tests.data.length) {
    // Each failing test opens in the source editor: a test that checks the old buttons is changed there.
    const testLink = (file: string) => (isSourceFilePath(file) ? el('a', { href: sourceFileHref(file) }, el('code', {}, file)) : el('code', {}, file));
    box.append(el('h3', {}, 'Flow tests that fail'), el('ul', { class: 'failed-tests' }, ...tests.data.map((t) => el('li', {}, testLink(t.file), `: ${t.message}`))));
  }
  const impact = impactSchema.safeParse(err.detail['impact']);
  if (impact.success) box.append(el('h3', {}, 'Residents in conversations'), impactTable(impact.data));
  return { box, impact: impact.success ? impact.data : undefined };
}

/** The orphan policy radios, required when residents would be orphaned. */
export function policyChoice(orphaned: number, name: string): HTMLElement {
  return el(
    'fieldset',
    { class: 'policy' },
    el('legend', {}, `${orphaned} resident${orphaned === 1 ? '' : 's'} would be orphaned. What should happen to them? (required)`),
    el('div', { class: 'field check' }, el('input', { type: 'radio', name, value: 'handoff', id: `${name}-handoff`, required: true }), el('label', { for: `${name}-handoff` }, 'Hand them to an adviser')),
    el('div', { class: 'field check' }, el('input', { type: 'radio', name, value: 'restart', id: `${name}-restart` }), el('label', { for: `${name}-restart` }, 'Start them again from the beginning')),
  );
}
