import type { OutlineStep } from './flowOutline.ts';

/** Fields whose value (a step id, or a list of entries holding one) names where a step goes. */
const TARGET_KEYS = new Set(['next', 'goto', 'else', 'onError', 'fallback']);
/** Kinds that never fall through to the following step. */
const NO_FALL_THROUGH = new Set(['goto', 'branch', 'end']);

/** Mermaid's node id for a step (a prefix keeps ids such as `end` clear of Mermaid's keywords). */
export const nodeId = (stepId: string): string => `s_${stepId}`;

/** Every string under a target key, anywhere in the step except inside conditions (`if`). */
function targets(value: unknown, key: string | undefined, out: Array<{ to: string; via: string }>): void {
  if (typeof value === 'string') {
    if (key && TARGET_KEYS.has(key)) out.push({ to: value, via: key });
  } else if (Array.isArray(value)) {
    for (const v of value) targets(v, key, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) if (k !== 'if') targets(v, k, out);
  }
}

const label = (s: string): string => s.replace(/["<>&#]/g, ' ').slice(0, 60);

/**
 * A Mermaid flowchart of a flow's steps, from the outline (so it follows the draft as it is typed).
 * Each node's id is {@link nodeId}; the editor finds the rendered nodes by it to make them open
 * their step. A target that does not exist is drawn as a red "missing" node.
 */
export function flowDiagram(steps: readonly OutlineStep[]): string {
  const ids = new Set(steps.map((s) => s.id));
  const lines = ['flowchart TD'];
  const missing = new Set<string>();
  steps.forEach((s, i) => {
    lines.push(`  ${nodeId(s.id)}["${label(s.id)}<br/>${label(s.kind ?? '?')}: ${label(s.summary)}"]`);
    const out: Array<{ to: string; via: string }> = [];
    targets(s.value, undefined, out);
    const hasNext = 'next' in s.value;
    const following = steps[i + 1];
    if (!hasNext && following && s.kind && !NO_FALL_THROUGH.has(s.kind)) out.push({ to: following.id, via: '' });
    for (const e of out) {
      if (!ids.has(e.to)) missing.add(e.to);
      const arrow = e.via === 'fallback' || e.via === 'onError' ? '-.->' : '-->';
      lines.push(`  ${nodeId(s.id)} ${arrow}${e.via && e.via !== 'next' && e.via !== 'goto' ? `|${e.via}|` : ''} ${nodeId(e.to)}`);
    }
  });
  for (const m of missing) lines.push(`  ${nodeId(m)}["${label(m)}<br/>missing step"]:::missing`);
  lines.push('  classDef missing fill:#fde2e1,stroke:#a4000f,stroke-dasharray:4 2');
  return lines.join('\n');
}
