import { describe, expect, it } from 'vitest';
import { diffFiles } from '../../../src/flows/releases/diffFiles.ts';

const FLOW = `id: main
steps:
  name:
    ask: name
    type: text
    question: about.ageQuestion
  thanks:
    say: consent.thanks
  done:
    end: true
    say: journey.goodbye
`;

describe('the diff of two releases', () => {
  it('names a changed question wording with its text before and after, and a removed step', () => {
    const before = {
      'flows/main.flow.yaml': FLOW,
      'locales/en/core.json': JSON.stringify({ about: { ageQuestion: 'How old are you?', ageHint: 'A number' } }, null, 2),
      'flows/tests/a.test.yaml': 'name: a\nsteps:\n  - send: hi\n',
    };
    const after = {
      'flows/main.flow.yaml': FLOW.replace('  thanks:\n    say: consent.thanks\n', ''),
      'locales/en/core.json': JSON.stringify({ about: { ageQuestion: 'What age are you?', ageHint: 'A number' } }, null, 2),
    };
    const d = diffFiles(before, after);
    expect(d.files.map((f) => [f.path, f.status])).toEqual([
      ['flows/main.flow.yaml', 'changed'],
      ['flows/tests/a.test.yaml', 'removed'],
      ['locales/en/core.json', 'changed'],
    ]);
    const [flow, test, core] = d.files;
    expect(flow!.steps).toEqual([{ flowId: 'main', step: 'thanks', change: 'removed' }]);
    expect(flow!.patch).toContain('-  thanks:\n-    say: consent.thanks\n');
    expect(flow!.patch).toContain('--- a/flows/main.flow.yaml');
    expect(test!.patch).toContain('+++ /dev/null');
    expect(core!.keys).toEqual([{ lang: 'en', key: 'about.ageQuestion', change: 'changed', before: 'How old are you?', after: 'What age are you?' }]);
    expect(core!.patch).toContain('-    "ageQuestion": "How old are you?",\n+    "ageQuestion": "What age are you?",');
  });

  it('counts a re-indented step as no change and a new step and key as added', () => {
    const before = { 'flows/main.flow.yaml': FLOW, 'locales/ur/core.json': '{"about":{}}' };
    const after = {
      'flows/main.flow.yaml': FLOW.replace('    question: about.ageQuestion\n', '    question:   about.ageQuestion\n').replace('  done:\n', '  more:\n    say: consent.thanks\n  done:\n'),
      'locales/ur/core.json': '{"about":{"ageQuestion":"آپ کی عمر کیا ہے؟"}}',
    };
    const d = diffFiles(before, after);
    expect(d.files[0]!.steps).toEqual([{ flowId: 'main', step: 'more', change: 'added' }]);
    expect(d.files[1]!.keys).toEqual([{ lang: 'ur', key: 'about.ageQuestion', change: 'added', after: 'آپ کی عمر کیا ہے؟' }]);
    expect(diffFiles(before, before).files).toEqual([]);
  });
});
