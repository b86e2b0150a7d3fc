import { describe, expect, it } from 'vitest';
import { rebaseFiles } from '../../../src/studio/flows/currentDraft.ts';

describe('a draft carried onto a newer live release', () => {
  const base = { 'flows/a.flow.yaml': 'a1', 'flows/b.flow.yaml': 'b1', 'locales/en/x.json': 'x1', 'flows/gone.flow.yaml': 'g1' };
  const live = { 'flows/a.flow.yaml': 'a2', 'flows/b.flow.yaml': 'b2', 'locales/en/x.json': 'x1', 'flows/new.flow.yaml': 'n2' };

  it('follows the live release where the draft changed nothing, keeps what only the draft changed', () => {
    const draft = { ...base, 'locales/en/x.json': 'x-draft', 'flows/mine.flow.yaml': 'm' };
    expect(rebaseFiles(draft, base, live)).toEqual({ 'flows/a.flow.yaml': 'a2', 'flows/b.flow.yaml': 'b2', 'locales/en/x.json': 'x-draft', 'flows/mine.flow.yaml': 'm', 'flows/new.flow.yaml': 'n2' });
  });

  it("keeps the draft's text where both changed, and a file the draft removed stays removed", () => {
    const draft = { 'flows/a.flow.yaml': 'a-draft', 'locales/en/x.json': 'x1', 'flows/gone.flow.yaml': 'g1' };
    expect(rebaseFiles(draft, base, live)).toEqual({ 'flows/a.flow.yaml': 'a-draft', 'locales/en/x.json': 'x1', 'flows/new.flow.yaml': 'n2' });
  });
});
