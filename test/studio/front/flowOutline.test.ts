import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlowFile } from '../../../src/flows/parseFlowFile.ts';
import { stepKinds } from '../../../src/flows/schema.ts';
import { flowDiagram } from '../../../src/studio/client/flowDiagram.ts';
import { flowOutline } from '../../../src/studio/client/flowOutline.ts';

const main = readFileSync('flows/main.flow.yaml', 'utf8');

describe('the outline of a flow, from its YAML', () => {
  it('lists every step of the shipped main flow in file order with its kind and a one-line summary', () => {
    const outline = flowOutline(main, stepKinds);
    if (!outline.ok) throw new Error(outline.message);
    const loaded = parseFlowFile('flows/main.flow.yaml', main).flow!;
    expect(outline.steps.map((s) => s.id)).toEqual(loaded.order);
    expect(outline.steps.map((s) => s.kind)).toEqual(loaded.order.map((id) => loaded.steps.get(id)!.kind));
    const byId = new Map(outline.steps.map((s) => [s.id, s]));
    expect(byId.get('greet')?.summary).toBe('welcome.greeting');
    expect(byId.get('language')?.summary).toBe('choice: welcome.languageQuestion');
    expect(byId.get('no_consent')?.summary).toBe('stopped, says consent.refused');
    expect(byId.get('ask_missing')?.summary).toBe('7 ways');
    expect(byId.get('check')?.summary).toBe('checkEligibility');
  });

  it('a step with two kinds or none has no kind (the outline says so)', () => {
    const outline = flowOutline('id: t\nsteps:\n  a:\n    say: k.a\n    goto: b\n  b:\n    foo: 1\n', stepKinds);
    expect(outline.ok && outline.steps.map((s) => [s.id, s.kind, s.summary])).toEqual([
      ['a', undefined, 'no kind: add one of the step kinds'],
      ['b', undefined, 'no kind: add one of the step kinds'],
    ]);
  });

  it('YAML that does not parse gives the error and its line', () => {
    const broken = main.replace('  privacy:\n    say: consent.notice', '  privacy:\n    say: consent.notice\n   bad: [unclosed');
    const outline = flowOutline(broken, stepKinds);
    expect(outline.ok).toBe(false);
    if (outline.ok) return;
    expect(outline.line).toBe(broken.split('\n').indexOf('   bad: [unclosed') + 1);
    expect(outline.message.length).toBeGreaterThan(5);
  });
});

describe('the diagram text', () => {
  const outline = flowOutline(main, stepKinds);
  const steps = outline.ok ? outline.steps : [];
  const text = flowDiagram(steps);

  it('is a Mermaid flowchart with one node per step of the shipped main flow', () => {
    expect(text.split('\n')[0]).toBe('flowchart TD');
    for (const s of steps) expect(text).toContain(`  s_${s.id}["${s.id}<br/>`);
    // Every target exists in the shipped flow: no "missing" node.
    expect(text).not.toContain(':::missing');
  });

  it('draws the same edges the checker follows: implicit next, if/goto lists, branches, fallbacks', () => {
    expect(text).toContain('  s_greet --> s_language');
    expect(text).toContain('  s_consent --> s_thanks');
    expect(text).toContain('  s_consent --> s_no_consent');
    expect(text).toContain('  s_ask_missing -->|else| s_need_age');
    expect(text).toContain('  s_need_at_risk --> s_check');
    expect(text).not.toMatch(/s_no_consent -->/);
  });

  it('shows a target that does not exist as a missing node', () => {
    const broken = flowOutline(main.replace('        goto: thanks', '        goto: thankz'), stepKinds);
    const t = flowDiagram(broken.ok ? broken.steps : []);
    expect(t).toContain('  s_consent --> s_thankz');
    expect(t).toContain('  s_thankz["thankz<br/>missing step"]:::missing');
  });
});
