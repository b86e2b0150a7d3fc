import path from 'node:path';
import { LANGUAGE_CODES } from '../../../src/languages.ts';
import { describe, expect, it } from 'vitest';
import { createSafeguardingCheck, mayBeUnder } from '../../../src/domain/safeguarding/createSafeguardingCheck.ts';
import { normalisePhrase } from '../../../src/domain/safeguarding/normalisePhrase.ts';
import { loadPhraseLists } from '../../../src/domain/safeguarding/phraseList.ts';

const lists = loadPhraseLists(path.resolve('flows/safeguarding'));
const check = createSafeguardingCheck(lists);

function textOf(r: ReturnType<typeof check.check>): string {
  if (!r.matched) throw new Error('expected a match');
  return r.replies.map((x) => (x.type === 'text' ? x.text : '')).join('\n');
}

describe('safeguarding phrase lists', () => {
  it('ships a list for every language Anchorline speaks', () => {
    expect(lists.map((l) => l.locale)).toEqual([...LANGUAGE_CODES].sort());
  });

  describe.each(lists.map((l) => [l.locale, l] as const))('%s', (_locale, list) => {
    it.each(['danger', 'crisis'] as const)('every %s phrase triggers, inside a sentence and with odd punctuation', (tier) => {
      const missed: string[] = [];
      const wrongTier: string[] = [];
      for (const phrase of list.phrases[tier]) {
        const sentence = `${list.dir === 'rtl' ? 'سنو،' : 'Honestly,'} ${phrase.toUpperCase()}!!`;
        if (!check.check(sentence, list.locale, {}).matched) missed.push(phrase);
        if (tier === 'danger' && check.tier(sentence) !== 'danger') wrongTier.push(phrase);
      }
      expect(missed).toEqual([]);
      expect(wrongTier).toEqual([]);
    });
    it('no near-miss triggers', () => {
      expect(list.nearMisses.length).toBeGreaterThan(8);
      expect(list.nearMisses.filter((text) => check.check(text, list.locale, {}).matched)).toEqual([]);
    });
  });

  it('matches apostrophes and curly quotes the same way', () => {
    expect(check.check('I don’t want to live any more', 'en', {}).matched).toBe(true);
    expect(check.check("i DON'T want to be alive", 'en', {}).matched).toBe(true);
  });

  it('matches Urdu typed with vowel marks, tatweel or Arabic-keyboard letters', () => {
    expect(normalisePhrase('خُودکُشی')).toBe(normalisePhrase('خودکشی'));
    expect(check.check('میں مـرنا چاہتا ہوں', 'ur', {}).matched).toBe(true);
    expect(check.check('ميں مرنا چاہتي ہوں', 'ur', {}).matched).toBe(true);
  });

  it('does not match part of a word', () => {
    expect(check.check('suicideforest is a band name? no: suicidesquad', 'en', {})).toEqual({ matched: false });
  });
});

describe('signposting', () => {
  it('puts 999 first for immediate danger, then the crisis lines', () => {
    const text = textOf(check.check('someone is hurting me', 'en', { ageBand: '25-34' }));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^999 /);
    expect(text).toContain('111, then option 2');
    expect(text).toContain('116 123');
    expect(text).toContain('85258');
  });

  it('every number line starts with the number', () => {
    const text = textOf(check.check('I want to die', 'en', {}));
    const numberLines = text.split('\n').slice(0, -1);
    for (const line of numberLines) expect(line).toMatch(/^\d[\d ]{2,14}[,—]/);
  });

  it('adds Childline under 19 and PAPYRUS under 35, neither from 35', () => {
    const young = textOf(check.check('i want to die', 'en', { ageBand: '16-18' }));
    expect(young).toContain('0800 1111');
    expect(young).toContain('0800 068 4141');
    const mid = textOf(check.check('i want to die', 'en', { ageBand: '19-24' }));
    expect(mid).not.toContain('0800 1111');
    expect(mid).toContain('0800 068 4141');
    const older = textOf(check.check('i want to die', 'en', { ageBand: '35+' }));
    expect(older).not.toContain('0800 1111');
    expect(older).not.toContain('0800 068 4141');
  });

  it('gives both youth lines when the age is unknown', () => {
    const text = textOf(check.check('suicidal', 'en', {}));
    expect(text).toContain('0800 1111');
    expect(text).toContain('0800 068 4141');
  });

  it('answers in the resident’s language even when they write in another', () => {
    const r = check.check('I want to kill myself', 'ur', {});
    expect(r).toMatchObject({ matched: true, replies: [{ type: 'text', locale: 'ur', dir: 'rtl' }, { type: 'text', locale: 'ur' }] });
    expect(textOf(r)).toContain('116 123');
  });

  it('falls back to English for a language without a list', () => {
    const r = check.check('خودکشی', 'fr', {});
    expect(r).toMatchObject({ matched: true, replies: [{ locale: 'en', dir: 'ltr' }, { locale: 'en' }] });
  });

  it('reads age bands', () => {
    expect(mayBeUnder('16-18', 19)).toBe(true);
    expect(mayBeUnder('under 19', 19)).toBe(true);
    expect(mayBeUnder('19–24', 19)).toBe(false);
    expect(mayBeUnder('35+', 35)).toBe(false);
    expect(mayBeUnder(undefined, 19)).toBe(true);
    // The shipped flow's age_band values (flows/about_you.flow.yaml).
    expect(['under_16', '16_17', '18_24', '25_plus'].map((b) => mayBeUnder(b, 19))).toEqual([true, true, true, false]);
    expect(['under_16', '16_17', '18_24', '25_plus'].map((b) => mayBeUnder(b, 35))).toEqual([true, true, true, true]);
  });
});
