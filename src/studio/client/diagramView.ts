import { flowDiagram, nodeId } from './flowDiagram.ts';
import type { OutlineStep } from './flowOutline.ts';

type Mermaid = (typeof import('mermaid'))['default'];
let mermaid: Promise<Mermaid> | undefined;
let renders = 0;

/** Mermaid, loaded with the first diagram (it is most of the studio's script bytes). */
function loadMermaid(): Promise<Mermaid> {
  mermaid ??= import('mermaid').then((m) => {
    // strict: no click callbacks in the diagram text; nodes get their listeners below instead.
    m.default.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default', flowchart: { htmlLabels: false } });
    return m.default;
  });
  return mermaid;
}

/**
 * Draws the flow's diagram into `box` and makes each step's node a keyboard-operable button that
 * calls `open(stepId)`.
 */
export async function drawDiagram(box: HTMLElement, steps: readonly OutlineStep[], open: (stepId: string) => void): Promise<void> {
  const m = await loadMermaid();
  const text = flowDiagram(steps);
  if (!(await m.parse(text, { suppressErrors: true }))) {
    box.textContent = 'The diagram cannot be drawn from this text.';
    return;
  }
  const { svg } = await m.render(`flow-diagram-${++renders}`, text);
  box.innerHTML = svg;
  const svgEl = box.querySelector('svg');
  svgEl?.setAttribute('aria-label', 'Diagram of the flow’s steps');
  const ids = new Map(steps.map((s) => [nodeId(s.id), s.id]));
  for (const node of box.querySelectorAll<SVGGElement>('g.node')) {
    const m2 = /flowchart-(s_[a-z0-9_]+)-\d+$/.exec(node.id);
    const stepId = m2 ? ids.get(m2[1]!) : undefined;
    if (!stepId) continue;
    node.setAttribute('tabindex', '0');
    node.setAttribute('role', 'button');
    node.dataset['step'] = stepId;
    node.addEventListener('click', () => open(stepId));
    node.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open(stepId);
      }
    });
  }
}
