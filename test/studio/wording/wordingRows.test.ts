import { describe, expect, it } from 'vitest';
import { flatWording, writtenAgainst } from '../../../src/studio/wording/wordingHistory.ts';
import { filterRows, placeholdersOf, wordingRows } from '../../../src/studio/wording/wordingRows.ts';

const files = (en: Record<string, unknown>, ur: Record<string, unknown>) => ({
  'locales/en/journey.json': JSON.stringify({ journey: en }),
  'locales/ur/journey.json': JSON.stringify({ journey: ur }),
  'flows/main.flow.yaml': 'id: main\nsteps:\n  hello:\n    say: journey.hello\n  bye:\n    end: true\n    say: journey.bye\n',
});
const flagsOf = (versions: Array<Record<string, string>>, key: string) => {
  const table = wordingRows(versions.at(-1)!, writtenAgainst(versions.map(flatWording)));
  return table.rows.find((r) => r.key === key)!.cells.map((c) => [c.lang, c.flags]);
};

describe('wording rows: what a translator is shown', () => {
  it('out of date only when the English changed in a later version than the translation', () => {
    const v1 = files({ hello: 'Hello', bye: 'Bye' }, { hello: 'ہیلو', bye: 'خدا حافظ' });
    const v2 = files({ hello: 'Hello there', bye: 'Bye' }, { hello: 'ہیلو', bye: 'خدا حافظ' });
    const v3 = files({ hello: 'Hello there', bye: 'Goodbye' }, { hello: 'ہیلو جی', bye: 'اللہ حافظ' });
    expect(flagsOf([v1, v2], 'journey.hello')).toEqual([['en', []], ['ur', ['outdated']]]);
    expect(flagsOf([v1, v2], 'journey.bye')).toEqual([['en', []], ['ur', []]]);
    // Translated again later, or changed in the same version as the English: up to date.
    expect(flagsOf([v1, v2, v3], 'journey.hello')).toEqual([['en', []], ['ur', []]]);
    expect(flagsOf([v1, v2, v3], 'journey.bye')).toEqual([['en', []], ['ur', []]]);
  });

  it('compares with the English the translation was written against, by content: a reverted English change leaves it up to date', () => {
    const v1 = files({ hello: 'Hello', bye: 'Bye' }, { hello: 'ہیلو', bye: 'خدا حافظ' });
    const v2 = files({ hello: 'Hello there', bye: 'Bye' }, { hello: 'ہیلو', bye: 'خدا حافظ' });
    const v3 = files({ hello: 'Hello', bye: 'Bye' }, { hello: 'ہیلو', bye: 'خدا حافظ' });
    expect(flagsOf([v1, v2], 'journey.hello')).toEqual([['en', []], ['ur', ['outdated']]]);
    // Reverted (a publish of the earlier English): the Urdu matches what it was written against again.
    expect(flagsOf([v1, v2, v3], 'journey.hello')).toEqual([['en', []], ['ur', []]]);
    // Translated against "Hello there", then the English went back to "Hello": out of date now.
    const v2b = files({ hello: 'Hello there', bye: 'Bye' }, { hello: 'ہیلو جی', bye: 'خدا حافظ' });
    const v3b = files({ hello: 'Hello', bye: 'Bye' }, { hello: 'ہیلو جی', bye: 'خدا حافظ' });
    expect(flagsOf([v1, v2, v2b, v3b], 'journey.hello')).toEqual([['en', []], ['ur', ['outdated']]]);
    // A text the English did not have when it was translated is out of date once the English has it.
    const early = files({ bye: 'Bye' }, { hello: 'ہیلو', bye: 'خدا حافظ' });
    expect(flagsOf([early, v1], 'journey.hello')).toEqual([['en', []], ['ur', ['outdated']]]);
  });

  it('placeholders compare by name, whatever the spaces inside the braces; a missing text is missing', () => {
    expect(placeholdersOf('Hi {{ name }}, you are {{n}} on the list, {{name}}')).toEqual(['n', 'name']);
    const v = files({ hello: 'Hi {{name}}', bye: 'Bye' }, { hello: 'ہیلو {{ name }}', bye: '' });
    expect(flagsOf([v], 'journey.hello')).toEqual([['en', []], ['ur', []]]);
    expect(flagsOf([v], 'journey.bye')).toEqual([['en', []], ['ur', ['missing']]]);
    const wrong = files({ hello: 'Hi {{name}}', bye: 'Bye' }, { hello: 'ہیلو {{naam}}', bye: 'خدا حافظ' });
    expect(flagsOf([wrong], 'journey.hello')).toEqual([['en', []], ['ur', ['placeholders']]]);
  });

  it('says where each text is used and filters by flow, status and text', () => {
    const v = files({ hello: 'Hello', bye: 'Bye', spare: 'Not used' }, { hello: 'ہیلو', bye: 'خدا حافظ' });
    const table = wordingRows(v, writtenAgainst([flatWording(v)]));
    expect(table.rows.map((r) => [r.key, r.used.map((u) => `${u.flowId}.${u.step}`)])).toEqual([
      ['journey.hello', ['main.hello']],
      ['journey.bye', ['main.bye']],
      ['journey.spare', []],
    ]);
    expect(filterRows(table.rows, { status: 'missing' }).map((r) => r.key)).toEqual(['journey.spare']);
    expect(filterRows(table.rows, { status: 'all', flow: 'main', q: 'BYE' }).map((r) => r.key)).toEqual(['journey.bye']);
  });

  it('lists a file it cannot read instead of failing the page', () => {
    const v = { ...files({ hello: 'Hello', bye: 'Bye' }, {}), 'locales/ur/journey.json': '{ "journey": ' };
    const table = wordingRows(v, new Map());
    expect(table.broken).toEqual([{ path: 'locales/ur/journey.json', reason: expect.stringMatching(/^not valid JSON/) }]);
    expect(table.rows.map((r) => r.key)).toEqual(['journey.hello', 'journey.bye']);
  });
});
