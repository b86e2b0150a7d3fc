import { isFlowTestPath, isSourceFilePath, sourceFileHref } from '../flows/sourceFiles.ts';
import { flowOutline } from './flowOutline.ts';
import { api, draftSchema, el } from './studioApi.ts';

const box = document.getElementById('flow-list')!;

const KIND = (path: string): string => (isFlowTestPath(path) ? 'flow test' : path === 'flows/commands.yaml' ? 'commands' : 'readability words');

/** The draft's other files a coordinator may have to change (a flow test that checks a question's buttons), each opening in the source editor. */
function otherFiles(draft: { files: Record<string, string>; changed: string[] }): HTMLElement {
  const paths = Object.keys(draft.files)
    .filter(isSourceFilePath)
    .sort((a, b) => Number(isFlowTestPath(a)) - Number(isFlowTestPath(b)) || a.localeCompare(b));
  return el(
    'table',
    { class: 'flows files' },
    el('caption', {}, `Other files of the draft: ${paths.filter(isFlowTestPath).length} flow tests, commands and readability words`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'File'), el('th', { scope: 'col' }, 'Kind'), el('th', { scope: 'col' }, 'In the draft'))),
    el(
      'tbody',
      {},
      ...paths.map((p) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, el('a', { href: sourceFileHref(p) }, p.slice('flows/'.length))),
          el('td', {}, KIND(p)),
          el('td', {}, draft.changed.includes(p) ? 'changed, not published' : 'as published'),
        ),
      ),
    ),
  );
}

async function start(): Promise<void> {
  const draft = await api('GET', '/draft', draftSchema);
  const rows = Object.keys(draft.files)
    .map((path) => ({ path, id: /^flows\/([a-z][a-z0-9_]*)\.flow\.yaml$/.exec(path)?.[1] }))
    .filter((f): f is { path: string; id: string } => f.id !== undefined)
    .sort((a, b) => a.id.localeCompare(b.id));
  const table = el(
    'table',
    { class: 'flows' },
    el('caption', {}, `${rows.length} flow${rows.length === 1 ? '' : 's'} in the draft (revision ${draft.revision})`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Flow'), el('th', { scope: 'col' }, 'Steps'), el('th', { scope: 'col' }, 'In the draft'))),
  );
  const body = el('tbody');
  for (const r of rows) {
    const outline = flowOutline(draft.files[r.path] ?? '', []);
    const steps = outline.ok ? String(outline.steps.length) : `does not parse (line ${outline.line})`;
    body.append(
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, el('a', { href: `/studio/flows/${r.id}` }, r.id)),
        el('td', {}, steps),
        el('td', {}, draft.changed.includes(r.path) ? 'changed, not published' : 'as published'),
      ),
    );
  }
  table.append(body);
  const removed = new URLSearchParams(location.search).has('removed') ? [el('p', { role: 'status' }, 'The flow test was removed from the draft.')] : [];
  box.replaceChildren(...removed, table, otherFiles(draft));
  box.removeAttribute('aria-busy');
}

start().catch((err: unknown) => {
  box.replaceChildren(el('p', { role: 'alert' }, `The draft could not be read: ${err instanceof Error ? err.message : 'unknown error'}.`));
  box.removeAttribute('aria-busy');
});
