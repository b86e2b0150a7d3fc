import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const phraseListSchema = z.object({
  locale: z.string().min(2),
  dir: z.enum(['ltr', 'rtl']),
  phrases: z.object({ danger: z.array(z.string().min(2)).min(1), crisis: z.array(z.string().min(2)).min(1) }),
  /** Test data: ordinary talk that must not trigger. */
  nearMisses: z.array(z.string()).default([]),
  signposting: z.object({
    danger: z.string().min(1),
    crisis: z.array(z.string().min(1)).min(1),
    under19: z.string().min(1),
    under35: z.string().min(1),
    who: z.string().min(1),
  }),
});
export type PhraseList = z.infer<typeof phraseListSchema>;

export class PhraseListError extends Error {
  readonly code = 'safeguarding_list_invalid';
}

/** Reads every `<lang>.yaml` in the folder (flows/safeguarding); a bad file stops start-up. */
export function loadPhraseLists(dir: string): PhraseList[] {
  const files = readdirSync(dir).filter((f) => /^[a-z]{2,3}(-[A-Za-z]+)?\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new PhraseListError(`no safeguarding phrase lists in ${dir}`);
  return files.map((f) => {
    const result = phraseListSchema.safeParse(parse(readFileSync(path.join(dir, f), 'utf8')));
    if (!result.success) throw new PhraseListError(`${f}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (`${result.data.locale}.yaml` !== f && `${result.data.locale}.yml` !== f) throw new PhraseListError(`${f}: locale ${result.data.locale} does not match the file name`);
    return result.data;
  });
}
