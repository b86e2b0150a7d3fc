import { z } from 'zod';
import { can, roleSchema } from '../staff.ts';
import { impactTable, policyChoice, problemList, refusalReasons } from './refusal.ts';
import { api, ApiError, checkSchema, draftSchema, el, impactSchema, publishedSchema, staffRole, type ClientImpact } from './studioApi.ts';

const box = document.getElementById('publish')!;
const role = roleSchema.safeParse(staffRole());
const mayPublish = role.success && can(role.data, 'publish');
const policySchema = z.enum(['handoff', 'restart']);

function publishForm(revision: number, impact: ClientImpact, result: HTMLElement): HTMLElement {
  const note = el('textarea', { id: 'note', name: 'note', rows: '2', maxlength: '500' });
  const form = el(
    'form',
    // novalidate: the page says what is missing in words (an alert), not a browser bubble.
    { class: 'publish-form', 'aria-labelledby': 'publish-h', novalidate: true },
    el('h2', { id: 'publish-h' }, 'Publish the draft'),
    ...(impact.orphaned > 0 ? [policyChoice(impact.orphaned, 'orphanPolicy')] : []),
    el('div', { class: 'field' }, el('label', { for: 'note' }, 'Note (what changed and why)'), note),
    el('button', { type: 'submit', class: 'primary' }, 'Publish'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const picked = form.querySelector<HTMLInputElement>('input[name="orphanPolicy"]:checked')?.value;
    const policy = policySchema.safeParse(picked);
    if (impact.orphaned > 0 && !policy.success) {
      result.replaceChildren(el('p', { role: 'alert' }, 'Choose what happens to the residents who would be orphaned.'));
      return;
    }
    result.replaceChildren(el('p', {}, 'Publishing…'));
    api('POST', '/publish', publishedSchema, { revision, note: note.value, ...(policy.success ? { orphanPolicy: policy.data } : {}) }).then(
      ({ release }) => result.replaceChildren(el('p', { class: 'done' }, `Published release ${release.id}: ${release.flows.join(', ')}. `, el('a', { href: '/studio/history' }, 'See the history'))),
      (err: unknown) => {
        if (err instanceof ApiError && err.code === 'publish_blocked') {
          const refused = refusalReasons(err);
          result.replaceChildren(refused.box);
          // Residents now orphaned need a policy: show the choice if the form had none.
          if (refused.impact && refused.impact.orphaned > 0 && !form.querySelector('input[name="orphanPolicy"]')) {
            form.querySelector('.field')?.before(policyChoice(refused.impact.orphaned, 'orphanPolicy'));
            impact = refused.impact;
          }
        } else result.replaceChildren(el('p', { role: 'alert' }, `Not published: ${err instanceof Error ? err.message : 'the studio did not answer'}.`));
      },
    );
  });
  return form;
}

async function start(): Promise<void> {
  const [draft, check, impact] = await Promise.all([api('GET', '/draft', draftSchema), api('GET', '/draft/check', checkSchema), api('GET', '/draft/report', impactSchema)]);
  const errors = check.problems.filter((p) => p.severity === 'error');
  const result = el('div', { id: 'publish-result', 'aria-live': 'polite' });
  box.replaceChildren(
    el('section', { 'aria-labelledby': 'changes-h' }, el('h2', { id: 'changes-h' }, 'What the draft changes'), draft.changed.length ? el('ul', {}, ...draft.changed.map((c) => el('li', {}, el('code', {}, c)))) : el('p', {}, 'Nothing: the draft is the live version.')),
    el(
      'section',
      { 'aria-labelledby': 'problems-h' },
      el('h2', { id: 'problems-h' }, `Problems: ${errors.length} blocking, ${check.problems.length - errors.length} warning${check.problems.length - errors.length === 1 ? '' : 's'}`),
      check.problems.length ? problemList(check.problems) : el('p', {}, 'The checker found nothing.'),
    ),
    el('section', { 'aria-labelledby': 'impact-h' }, el('h2', { id: 'impact-h' }, 'Residents in conversations'), impactTable(impact)),
    mayPublish ? publishForm(draft.revision, impact, result) : el('p', {}, 'Only coordinators can publish.'),
    result,
  );
  box.removeAttribute('aria-busy');
}

start().catch((err: unknown) => {
  box.replaceChildren(el('p', { role: 'alert' }, `The draft could not be checked: ${err instanceof Error ? err.message : 'unknown error'}.`));
  box.removeAttribute('aria-busy');
});
