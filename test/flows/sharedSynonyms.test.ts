import { describe, expect, it } from 'vitest';
import { ActionRegistry } from '../../src/engine/actions.ts';
import { checkFlows } from '../../src/flows/check.ts';
import { parseFlowFile } from '../../src/flows/parseFlowFile.ts';

const flow = `id: t
steps:
  work:
    ask: work
    type: choice
    question: q.work
    choices:
      - { value: hospitality, label: q.hospitality, synonyms: q.hospitalityWords }
      - { value: facilities, label: q.facilities, synonyms: q.facilitiesWords }
  done:
    end: true
`;

function warnings(trees: Record<string, Record<string, unknown>>) {
  const parsed = parseFlowFile('flows/t.flow.yaml', flow);
  const keys = new Set(['q.work', 'q.hospitality', 'q.hospitalityWords', 'q.facilities', 'q.facilitiesWords']);
  return checkFlows({
    flows: new Map([['t', { flow: parsed.flow!, locator: parsed.locator }]]),
    actions: new ActionRegistry(),
    locales: Object.fromEntries(Object.keys(trees).map((l) => [l, keys])),
    trees,
  }).filter((p) => p.code === 'shared_synonym');
}

const q = (hospitality: string[], facilities: string[]) => ({
  q: { work: 'What?', hospitality: 'Hospitality', hospitalityWords: hospitality, facilities: 'Facilities', facilitiesWords: facilities },
});

describe('flow checker: two options sharing a synonym', () => {
  it('warns at the second option, with file:line:col, in the language that shares it', () => {
    const ps = warnings({ en: q(['pub', 'Catering'], ['porter', 'catering!']), ur: q(['ہوٹل'], ['صفائی']) });
    expect(ps.map((p) => `${p.file}:${p.line}:${p.col} ${p.severity} ${p.path}`)).toEqual(['flows/t.flow.yaml:9:61 warning steps.work.choices.1.synonyms']);
    expect(ps[0]!.message).toContain('"catering" (en)');
  });

  it('warns for Urdu too, and not when the options differ', () => {
    expect(warnings({ en: q(['pub'], ['porter']), ur: q(['کیفے'], ['کیفے']) }).map((p) => p.message)).toEqual([
      'options "hospitality" and "facilities" both have "کیفے" (ur); a resident who types it will be asked which one',
    ]);
    expect(warnings({ en: q(['pub'], ['porter']), ur: q(['ہوٹل'], ['صفائی']) })).toEqual([]);
  });
});
