import { z } from 'zod';
import type { TextRef, WordingProblem } from './saveWording.ts';
import { FIELD, languageName } from './wordingFields.ts';
import type { WordingTable } from './wordingRows.ts';

/** What the wording page says after a save, as its `notice` (src/studio/wording/wordingPage.ts). */
export type WordingNotice = { type: 'saved'; count: number; conflicts?: string | undefined } | { type: 'conflict'; by: string | null } | { type: 'invalid'; message: string };

/** What a save's redirect may carry: codes and text references only, never words to show. */
export type WordingOutcome =
  | { type: 'saved'; count: number; conflicts: TextRef[] }
  | { type: 'conflict' }
  | { type: 'invalid'; problem: WordingProblem | { type: 'form' } };

const MAX_REFS = 50;
const refOf = (t: TextRef) => `${t.lang}:${t.namespace}:${t.key}`;

/** The notice of a save as query parameters of the page it redirects to. */
export function noticeParams(o: WordingOutcome): Record<string, string> {
  switch (o.type) {
    case 'saved':
      return { saved: String(o.count), ...(o.conflicts.length ? { conflicts: o.conflicts.slice(0, MAX_REFS).map(refOf).join(',') } : {}) };
    case 'conflict':
      return { conflict: '1' };
    case 'invalid':
      return o.problem.type === 'emptyText' ? { invalid: 'emptyText', text: refOf(o.problem.text) } : { invalid: o.problem.type };
  }
}

const refSchema = z
  .string()
  .max(300)
  .transform((v, ctx): TextRef => {
    const m = FIELD.exec(`t:${v}`);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'not a text reference' });
      return z.NEVER;
    }
    return { lang: m[1]!, namespace: m[2]!, key: m[3]! };
  });

// A link with anything else shows no notice: nothing but these codes and real texts reaches the page.
export const noticeQuerySchema = z.object({
  saved: z.coerce.number().int().min(0).max(100_000).optional().catch(undefined),
  conflict: z.literal('1').optional().catch(undefined),
  invalid: z.enum(['form', 'unknownText', 'brokenFile', 'emptyText']).optional().catch(undefined),
  text: refSchema.optional().catch(undefined),
  conflicts: z
    .string()
    .max(MAX_REFS * 300)
    .transform((v) => v.split(',').slice(0, MAX_REFS).flatMap((r) => refSchema.safeParse(r).data ?? []))
    .optional()
    .catch(undefined),
});

/**
 * The page's notice, built here from the query's codes: a text it names is shown only if the
 * draft has that text in that language's column (a crafted link can name nothing else).
 */
export function wordingNotice(query: unknown, table: WordingTable, updatedBy: string | null): WordingNotice | undefined {
  const q = noticeQuerySchema.parse(query);
  const real = (t: TextRef) => table.languages.includes(t.lang) && table.rows.some((r) => r.namespace === t.namespace && r.key === t.key);
  const label = (t: TextRef) => `${t.key} (${languageName(t.lang)})`;
  if (q.saved !== undefined) {
    const conflicts = (q.conflicts ?? []).filter(real).map(label);
    return { type: 'saved', count: q.saved, conflicts: conflicts.length ? conflicts.join(', ') : undefined };
  }
  if (q.conflict) return { type: 'conflict', by: updatedBy };
  switch (q.invalid) {
    case undefined:
      return undefined;
    case 'form':
      return { type: 'invalid', message: 'the form was incomplete, or a text was longer than 1 MB. Reload the page and try again.' };
    case 'unknownText':
      return { type: 'invalid', message: 'the form named a text the draft does not have (it may have been removed from the draft meanwhile). Reload the page and make your changes again.' };
    case 'brokenFile':
      return { type: 'invalid', message: 'a locale file of these texts is broken: fix it in the flow editor first.' };
    case 'emptyText': {
      const which = q.text && real(q.text) ? `${q.text.key} in ${languageName(q.text.lang)}` : 'a text';
      return { type: 'invalid', message: `${which} cannot be empty (to remove a text, edit the file in the flow editor).` };
    }
  }
}
