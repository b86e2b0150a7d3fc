import { z } from 'zod';
import { can, roleSchema } from '../staff.ts';
import { policyChoice, refusalReasons } from './refusal.ts';
import { api, ApiError, diffSchema, el, publishedSchema, releasesSchema, staffRole, type ClientDiff, type ClientRelease } from './studioApi.ts';

const box = document.getElementById('history')!;
const role = roleSchema.safeParse(staffRole());
const mayPublish = role.success && can(role.data, 'publish');
const policySchema = z.enum(['handoff', 'restart']);

/** A unified patch as lines marked with "+" and "−" in text (and <ins>/<del>), not by colour alone. */
function patchView(patch: string): HTMLElement {
  const pre = el('pre', { class: 'patch', tabindex: '0' });
  for (const line of patch.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('Index:') || line.startsWith('====')) continue;
    if (line.startsWith('+')) pre.append(el('ins', {}, `+ ${line.slice(1)}`), '\n');
    else if (line.startsWith('-')) pre.append(el('del', {}, `− ${line.slice(1)}`), '\n');
    else if (line.startsWith('@@')) pre.append(el('span', { class: 'hunk' }, line), '\n');
    else pre.append(`  ${line.slice(1)}\n`);
  }
  return pre;
}

function diffView(diff: ClientDiff): HTMLElement {
  if (diff.files.length === 0) return el('p', {}, 'No file changed.');
  return el(
    'div',
    { class: 'diff' },
    ...diff.files.map((f) =>
      el(
        'section',
        {},
        el('h2', { class: 'file' }, `${f.path} (${f.status})`),
        ...(f.steps?.length ? [el('p', {}, 'Steps: ', f.steps.map((s) => `${s.step} ${s.change}`).join(', '))] : []),
        ...(f.keys?.length ? [el('ul', {}, ...f.keys.map((k) => el('li', {}, `${k.lang} ${k.key} ${k.change}${k.before !== undefined ? `: “${k.before}”` : ''}${k.after !== undefined ? ` → “${k.after}”` : ''}`)))] : []),
        patchView(f.patch),
      ),
    ),
  );
}

function revertForm(r: ClientRelease, out: HTMLElement): HTMLElement {
  const ask = el('button', { type: 'button', id: `revert-${r.id}` }, `Revert to release ${r.id}…`);
  const holder = el('div', { class: 'revert' }, ask);
  ask.addEventListener('click', () => {
    const note = el('textarea', { id: `revert-note-${r.id}`, rows: '2' });
    const confirm = el('button', { type: 'submit', class: 'primary' }, `Yes, publish release ${r.id} again`);
    const cancel = el('button', { type: 'button' }, 'Cancel');
    const form = el(
      'form',
      { class: 'confirm', 'aria-label': `Confirm revert to release ${r.id}` },
      el('p', {}, `Revert to release ${r.id}? Its files are published again as a new release, with the same checks as any publish.`),
      el('div', { class: 'field' }, el('label', { for: note.id }, 'Note'), note),
      confirm,
      ' ',
      cancel,
    );
    cancel.addEventListener('click', () => {
      holder.replaceChildren(ask);
      ask.focus();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const policy = policySchema.safeParse(form.querySelector<HTMLInputElement>(`input[name="policy-${r.id}"]:checked`)?.value);
      api('POST', `/releases/${r.id}/revert`, publishedSchema, { note: note.value || `Revert to release ${r.id}`, ...(policy.success ? { orphanPolicy: policy.data } : {}) }).then(
        ({ release }) => {
          out.replaceChildren(el('p', { class: 'done' }, `Reverted: release ${release.id} is live. `, el('a', { href: '/studio/history' }, 'Reload the history')));
          holder.replaceChildren();
        },
        (err: unknown) => {
          if (err instanceof ApiError && err.code === 'publish_blocked') {
            const refused = refusalReasons(err);
            out.replaceChildren(refused.box);
            if (refused.impact && refused.impact.orphaned > 0 && !form.querySelector('.policy')) confirm.before(policyChoice(refused.impact.orphaned, `policy-${r.id}`));
          } else out.replaceChildren(el('p', { role: 'alert' }, `Not reverted: ${err instanceof Error ? err.message : 'the studio did not answer'}.`));
        },
      );
    });
    holder.replaceChildren(form);
    note.focus();
  });
  return holder;
}

function releaseItem(r: ClientRelease, out: HTMLElement): HTMLElement {
  const content = el('div', { class: 'release-body' }, el('p', {}, 'Loading the changes…'));
  const details = el(
    'details',
    { class: 'release', id: `release-${r.id}` },
    el('summary', {}, `Release ${r.id}${r.live ? ' (live)' : ''} — ${new Date(r.createdAt).toLocaleString('en-GB')} by ${r.createdBy} (${r.source}${r.revertOf ? ` of ${r.revertOf}` : ''})${r.note ? `: ${r.note}` : ''}`),
    el('p', {}, `Flows: ${r.flows.join(', ') || 'none'}`),
    content,
  );
  let loaded = false;
  details.addEventListener('toggle', () => {
    if (!details.open || loaded) return;
    loaded = true;
    api('GET', `/releases/${r.id}/diff`, diffSchema).then(
      (d) => content.replaceChildren(diffView(d)),
      (err: unknown) => content.replaceChildren(el('p', {}, `The changes could not be read: ${err instanceof Error ? err.message : 'unknown error'}.`)),
    );
  });
  // Revert stays in sight with the release closed: no need to read the diff first.
  return el('div', { class: 'release-item' }, details, ...(mayPublish && !r.live ? [revertForm(r, out)] : []));
}

async function start(): Promise<void> {
  const { releases } = await api('GET', '/releases', releasesSchema);
  const out = el('div', { id: 'history-result', 'aria-live': 'polite' });
  box.replaceChildren(out, releases.length ? el('div', { class: 'releases' }, ...releases.map((r) => releaseItem(r, out))) : el('p', {}, 'Nothing has been published yet.'));
  box.removeAttribute('aria-busy');
}

start().catch((err: unknown) => {
  box.replaceChildren(el('p', { role: 'alert' }, `The history could not be read: ${err instanceof Error ? err.message : 'unknown error'}.`));
  box.removeAttribute('aria-busy');
});
