import { closest, distance } from 'fastest-levenshtein';
import { flatKeys, resourcesFromTexts } from '../../i18n.ts';
import { parseFlowTexts } from '../catalog.ts';
import { localeFiles, type FlowFiles } from '../flowFiles.ts';
import type { Problem } from '../problem.ts';
import type { StudioProblem } from './releaseTypes.ts';

/** The nearest candidate when it is near enough to be a slip of the keyboard. */
function nearest(word: string, candidates: string[]): string | undefined {
  const list = candidates.filter((c) => c !== word);
  if (!list.length) return undefined;
  const best = closest(word, list);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * Adds the nearest known name (`suggestion: 'age'`, shown as "did you mean") to problems that name something unknown: a step target (the flow's
 * step ids), an answer name (the answers the flow keeps, listed in the message), a wording key
 * (the keys of that language), a flow or an action.
 */
export function withSuggestions(problems: Problem[], files: FlowFiles): StudioProblem[] {
  let flows: ReturnType<typeof parseFlowTexts>['flows'] | undefined;
  const flowsOf = () => (flows ??= parseFlowTexts(new Map(Object.entries(files).filter(([p]) => /^flows\/[^/]+\.flow\.yaml$/.test(p)))).flows);
  let keys: Map<string, string[]> | undefined;
  const keysIn = (lng: string) => {
    if (!keys) {
      keys = new Map();
      try {
        for (const [l, tree] of Object.entries(resourcesFromTexts(localeFiles(files)))) keys.set(l, [...flatKeys(tree)]);
      } catch {
        // Broken locale JSON is its own problem; no suggestions then.
      }
    }
    return keys.get(lng) ?? [];
  };
  return problems.map((p) => {
    let suggestion: string | undefined;
    let m: RegExpExecArray | null;
    if (p.code === 'unknown_step' && (m = /step "([^"]+)"/.exec(p.message))) {
      const flow = [...flowsOf().values()].find((f) => f.flow.file === p.file)?.flow;
      suggestion = nearest(m[1]!, flow ? [...flow.steps.keys()] : []);
    } else if (p.code === 'unknown_answer' && (m = /^"([^"]+)".*\(known: ([^)]*)\)/.exec(p.message))) {
      suggestion = nearest(m[1]!, m[2]!.split(', ').filter((x) => x && x !== 'none'));
    } else if (p.code === 'i18n_missing' && (m = /key "([^"]+)" is missing from locale (\S+)/.exec(p.message))) {
      suggestion = nearest(m[1]!, keysIn(m[2]!));
    } else if (p.code === 'unknown_flow' && (m = /flow "([^"]+)"/.exec(p.message))) {
      suggestion = nearest(m[1]!, [...flowsOf().keys()]);
    } else if (p.code === 'unknown_action' && (m = /action named "([^"]+)" \(known: ([^)]*)\)/.exec(p.message))) {
      suggestion = nearest(m[1]!, m[2]!.split(', '));
    }
    return suggestion ? { ...p, suggestion } : p;
  });
}
