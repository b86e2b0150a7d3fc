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
export async function drawDiagram(box: HTMLElement, steps: readonly OutlineStep[], open: (stepId: string) => void, selected?: string): Promise<void> {
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
  // At its own size, so labels stay readable; the diagram's box scrolls, not the page.
  const width = svgEl?.viewBox.baseVal?.width;
  if (svgEl && width) {
    svgEl.setAttribute('width', String(Math.ceil(width)));
    svgEl.style.maxWidth = 'none';
  }
  const ids = new Map(steps.map((s) => [nodeId(s.id), s.id]));
  for (const node of box.querySelectorAll<SVGGElement>('g.node')) {
    const m2 = /flowchart-(s_[a-z0-9_]+)-\d+$/.exec(node.id);
    const stepId = m2 ? ids.get(m2[1]!) : undefined;
    if (!stepId) continue;
    node.setAttribute('tabindex', '0');
    node.setAttribute('role', 'button');
    node.dataset['step'] = stepId;
    node.addEventListener('click', () => open(stepId));
    if (stepId === selected) node.classList.add('selected');
    node.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open(stepId);
      }
    });
  }
}

/** Scrolls the diagram's own box (never the page) so a step's node is in the middle of it. */
export function centreOn(box: HTMLElement, stepId: string | undefined): void {
  for (const n of box.querySelectorAll('g.node.selected')) n.classList.remove('selected');
  const node = stepId ? box.querySelector<SVGGElement>(`g.node[data-step="${CSS.escape(stepId)}"]`) : null;
  if (!node) return;
  node.classList.add('selected');
  const n = node.getBoundingClientRect();
  const b = box.getBoundingClientRect();
  box.scrollLeft += n.left + n.width / 2 - (b.left + box.clientWidth / 2);
  box.scrollTop += n.top + n.height / 2 - (b.top + box.clientHeight / 2);
}
