import { edgesOf } from './check.ts';
import type { Flow } from './schema.ts';

/** Mermaid state diagram of a flow, for review and documentation. Pure. */
export function flowToMermaid(flow: Flow): string {
  const lines = ['stateDiagram-v2', `  [*] --> ${flow.start}`];
  flow.order.forEach((id, i) => {
    const step = flow.steps.get(id)!;
    const label = step.kind === 'ask' ? `ask ${step.type}: ${step.ask}` : step.kind === 'call' ? `call ${step.call}` : step.kind === 'use' ? `use ${step.use}` : step.kind;
    lines.push(`  ${id}: ${id} (${label})`);
    const edges = edgesOf(step, id, flow.order[i + 1], flow.fallback);
    for (const e of edges) lines.push(`  ${id} --> ${e.to}`);
    if (step.kind === 'end') lines.push(`  ${id} --> [*]`);
  });
  return lines.join('\n');
}
