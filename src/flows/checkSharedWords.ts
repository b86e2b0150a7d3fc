import { tokenise } from './answerText.ts';
import type { Locator } from './parseFlowFile.ts';
import type { Problem } from './problem.ts';
import type { Flow } from './schema.ts';

/** The locale trees as loaded (`locales/<lng>/*.json` merged per language). */
export type LocaleTrees = Record<string, Record<string, unknown>>;

const NO_SEPARATORS = { marks: [], words: new Set<string>() };

function wordsAt(tree: Record<string, unknown>, key: string | undefined): string[] {
  if (!key) return [];
  let v: unknown = tree;
  for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Warns when two options of one question share a label, synonym or phrase in any language
 * (compared as residents' messages are: any case, accents or punctuation): a resident typing
 * it would always be asked which one they meant.
 */
export function checkSharedWords(flow: Flow, loc: Locator, trees: LocaleTrees): Problem[] {
  const problems: Problem[] = [];
  for (const [id, step] of flow.steps) {
    if (step.kind !== 'ask' || !step.choices) continue;
    for (const [lng, tree] of Object.entries(trees)) {
      const seen = new Map<string, string>();
      step.choices.forEach((c, i) => {
        const mine = new Set(
          [...wordsAt(tree, c.label), ...wordsAt(tree, c.synonyms)].map((w) => tokenise(w, NO_SEPARATORS).join(' ')).filter(Boolean),
        );
        for (const w of mine) {
          const other = seen.get(w);
          if (other !== undefined && other !== c.value) {
            const path = ['steps', id, 'choices', i, c.synonyms ? 'synonyms' : 'label'];
            problems.push(loc.problem(path, 'shared_synonym', `options "${other}" and "${c.value}" both have "${w}" (${lng}); a resident who types it will be asked which one`, 'warning'));
          } else seen.set(w, c.value);
        }
      });
    }
  }
  return problems;
}
