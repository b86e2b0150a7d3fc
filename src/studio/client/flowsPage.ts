import { flowOutline } from './flowOutline.ts';
import { api, draftSchema, el } from './studioApi.ts';

const box = document.getElementById('flow-list')!;

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
  box.replaceChildren(table);
  box.removeAttribute('aria-busy');
}

start().catch((err: unknown) => {
  box.replaceChildren(el('p', { role: 'alert' }, `The draft could not be read: ${err instanceof Error ? err.message : 'unknown error'}.`));
  box.removeAttribute('aria-busy');
});
