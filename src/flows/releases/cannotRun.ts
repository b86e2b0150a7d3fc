import type { ActionRegistry } from '../../engine/actions.ts';
import type { FlowSet } from '../catalog.ts';
import { keysOf } from '../check.ts';
import type { CompiledFlow } from '../compile.ts';

/**
 * Why a stored flow version cannot carry on under a new file set, or undefined when it can: its
 * wording keys must still exist (in English, the language every other one falls back to) and,
 * when `actions` is given, the actions it calls must still be registered.
 */
export function cannotRun(flow: CompiledFlow, set: Pick<FlowSet, 'translator'>, actions?: ActionRegistry): string | undefined {
  const steps = [...flow.flow.steps].map(([id, step]) => ({ id, step }));
  const keys = new Set<string>();
  for (const { id, step } of steps) for (const k of keysOf(step, id)) keys.add(k.key);
  for (const [id, ask] of flow.asks) for (const k of keysOf({ kind: 'ask', ...ask }, id)) keys.add(k.key);
  const i18n = set.translator.i18n;
  const missing = [...keys].filter((k) => !i18n.exists(k, { lng: 'en', fallbackLng: false })).sort();
  if (missing.length) return `its wording is gone from the new files: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`;
  if (actions) {
    const calls = steps.flatMap(({ step }) => (step.kind === 'call' ? [step.call] : []));
    const gone = calls.filter((c) => !actions.get(c));
    if (gone.length) return `it calls actions that no longer exist: ${gone.join(', ')}`;
  }
  return undefined;
}
