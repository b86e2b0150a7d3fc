import { beforeAll, describe, expect, it } from 'vitest';
import { listWords, smallTalkWords } from '../../src/engine/answerWords.ts';
import { Renderer } from '../../src/engine/render.ts';
import { readAnswer } from '../../src/flows/answers.ts';
import { matchChoice, typoAllowance, type OptionWords } from '../../src/flows/matchChoice.ts';
import { smallTalkOf } from '../../src/flows/smallTalk.ts';
import { createTranslator, loadLocales, type Translator } from '../../src/i18n.ts';

// The shipped locale lists, read the way the engine reads them (resident's language + English).
let tr: Translator;
beforeAll(async () => {
  tr = await createTranslator(await loadLocales('locales'));
});
const words = (lng: string, options: Array<[string, string, string?]>): OptionWords[] =>
  options.map(([value, label, synonyms]) => ({
    value,
    words: [...new Set([lng, 'en'])].flatMap((l) => [String(tr.t(l)(label)), ...(synonyms ? tr.list(l, synonyms) : [])]),
  }));
const work = (lng: string) =>
  words(lng, [
    ['hospitality', 'about.work.hospitality', 'about.work.hospitalityWords'],
    ['unemployed', 'about.work.unemployed', 'about.work.unemployedWords'],
    ['education', 'about.work.education'],
    ['other_work', 'about.work.other'],
  ]);
const families = (lng: string) =>
  words(lng, [
    ['administration', 'journey.family.administration', 'journey.family.administrationWords'],
    ['facilities', 'journey.family.facilities', 'journey.family.facilitiesWords'],
    ['medical', 'journey.family.medical', 'journey.family.medicalWords'],
  ]);
const one = (lng: string, options: OptionWords[], text: string) => matchChoice(options, text, listWords(new Renderer(tr, lng)), false);
const many = (lng: string, options: OptionWords[], text: string) => matchChoice(options, text, listWords(new Renderer(tr, lng)), true);
const picked = (values: string[]) => expect.objectContaining({ kind: 'picked', values });

describe('matchChoice: one answer', () => {
  it.each([
    ['en', 'I lost my job', 'unemployed'],
    ['en', 'i LOST my job last week.', 'unemployed'],
    ['en', 'I work in a hotel', 'hospitality'],
    ['en', 'hospitalty', 'hospitality'], // a typo
    ['en', 'the second one', 'unemployed'],
    ['en', '2', 'unemployed'],
    ['en', 'second', 'unemployed'],
    ['en', 'number 3', 'education'],
    ['en', 'Something else', 'other_work'],
    ['en', 'cafe', 'hospitality'],
    ['en', 'CAFÉ!!', 'hospitality'],
    ['ur', 'میری نوکری چلی گئی', 'unemployed'],
    ['ur', 'میں ہوٹل میں کام کرتا ہوں', 'hospitality'],
    ['ur', 'دوسرا', 'unemployed'],
    ['ur', '۲', 'unemployed'],
    ['ur', 'تیسرا والا', 'education'],
    ['ur', 'کچھ اور', 'other_work'],
    ['ur', 'بے روزگار', 'unemployed'],
  ])('%s "%s" → %s', (lng, text, value) => {
    expect(one(lng, work(lng), text)).toEqual(picked([value]));
  });

  it('two options named equally are ambiguous, never guessed', () => {
    expect(one('en', work('en'), 'I worked in a hotel but lost my job')).toEqual({ kind: 'ambiguous', values: ['hospitality', 'unemployed'] });
    expect(one('en', work('en'), '1 and 3')).toEqual({ kind: 'ambiguous', values: ['hospitality', 'education'] });
  });

  it('a word shared by two options is ambiguous too', () => {
    const shared: OptionWords[] = [
      { value: 'a', words: ['Kitchen porter', 'kitchen'] },
      { value: 'b', words: ['Kitchen assistant', 'kitchen'] },
    ];
    expect(one('en', shared, 'kitchen')).toEqual({ kind: 'ambiguous', values: ['a', 'b'] });
  });

  it('nothing that names an option is none', () => {
    expect(one('en', work('en'), 'purple')).toEqual({ kind: 'none' });
    expect(one('en', work('en'), '7')).toEqual({ kind: 'none' });
  });

  it('the whole message as a label is exact; inside a sentence it is not', () => {
    expect(one('en', work('en'), 'Something else')).toEqual({ kind: 'picked', values: ['other_work'], exact: true });
    expect(one('en', work('en'), 'something else really')).toEqual({ kind: 'picked', values: ['other_work'], exact: false });
  });
});

describe('matchChoice: several answers', () => {
  it.each([
    ['en', '1 and 3', ['administration', 'medical']],
    ['en', 'e.g. 1 and 3', ['administration', 'medical']],
    ['en', '1, 3', ['administration', 'medical']],
    ['en', '1 & 3', ['administration', 'medical']],
    ['en', 'the first one and the third one', ['administration', 'medical']],
    ['en', 'Office and admin, Caring for patients', ['administration', 'medical']],
    ['en', 'Facilities (porter, cleaning, catering) and office', ['facilities', 'administration']],
    ['en', 'admin and care', ['administration', 'medical']],
    ['en', 'all of them', ['administration', 'facilities', 'medical']],
    ['en', 'kichen and recepshonist', ['facilities', 'administration']], // typos
    ['ur', 'جیسے 1 اور 3', ['administration', 'medical']],
    ['ur', '1، 3', ['administration', 'medical']],
    ['ur', 'پہلا اور تیسرا', ['administration', 'medical']],
    ['ur', 'سب', ['administration', 'facilities', 'medical']],
  ])('%s "%s"', (lng, text, values) => {
    expect(many(lng, families(lng), text)).toEqual(picked(values));
  });

  it('"both" picks both of two options, and is not understood with three', () => {
    const two: OptionWords[] = [
      { value: 'x', words: ['Porter'] },
      { value: 'y', words: ['Clerk'] },
    ];
    expect(many('en', two, 'both')).toEqual(picked(['x', 'y']));
    expect(many('ur', two, 'دونوں')).toEqual(picked(['x', 'y']));
    expect(many('en', families('en'), 'both')).toEqual({ kind: 'none' });
  });

  it('"اور" inside a label does not split that label', () => {
    const withAnd: OptionWords[] = [
      { value: 'a', words: ['صفائی اور کھانا'] },
      { value: 'b', words: ['دفتر'] },
      { value: 'c', words: ['مریضوں کی دیکھ بھال'] },
    ];
    expect(many('ur', withAnd, 'صفائی اور کھانا')).toEqual(picked(['a']));
    expect(many('ur', withAnd, '2 اور 3')).toEqual(picked(['b', 'c']));
  });

  it('a number past the last option is not understood', () => {
    expect(many('en', families('en'), '1 and 9')).toEqual({ kind: 'none' });
  });
});

describe('typo tolerance cannot make two options ambiguous', () => {
  it('allows fewer typos when another option has a near word', () => {
    expect(typoAllowance('hospitality', [])).toBe(2);
    expect(typoAllowance('porter', ['potter'])).toBe(0);
    expect(typoAllowance('carer', ['care'])).toBe(0);
    expect(typoAllowance('cleaning', ['clearing'])).toBe(0);
    expect(typoAllowance('admin', ['office'])).toBe(1);
  });

  it('a word halfway between two options matches neither', () => {
    const near: OptionWords[] = [
      { value: 'p', words: ['porter'] },
      { value: 'q', words: ['potter'] },
    ];
    expect(one('en', near, 'portter')).toEqual({ kind: 'none' });
    expect(one('en', near, 'porter')).toEqual(picked(['p']));
  });
});

describe('smallTalkOf', () => {
  const talk = (lng: string, text: string) => smallTalkOf(text, smallTalkWords(new Renderer(tr, lng)));
  it.each([
    ['en', 'hi', 'greeting'],
    ['en', 'Hello there!', 'greeting'],
    ['en', 'thanks', 'thanks'],
    ['en', 'ok', 'ok'],
    ['en', 'ok thanks', 'thanks'],
    ['en', 'thank you very much', 'thanks'],
    ['en', 'ok thanks bye', 'bye'],
    ['en', "I don't know", 'notSure'],
    ['en', 'hmm not sure about that', 'notSure'],
    ['ur', 'السلام علیکم', 'greeting'],
    ['ur', 'شکریہ', 'thanks'],
    ['ur', 'خدا حافظ', 'bye'],
    ['ur', 'مجھے نہیں پتا', 'notSure'],
    ['ur', 'پتہ نہیں', 'notSure'],
  ])('%s "%s" → %s', (lng, text, kind) => {
    expect(talk(lng, text)).toBe(kind);
  });

  it('an answer with a greeting is not small talk', () => {
    expect(talk('en', 'hi, I lost my job')).toBeUndefined();
    expect(talk('en', 'admin')).toBeUndefined();
  });
});

describe('readAnswer: a number among words', () => {
  const age = { ask: 'age', type: 'number', question: 'q', min: 14, max: 99, multiple: false } as const;
  it.each([
    ['31', 31],
    ["I'm 31", 31],
    ['31 years old', 31],
    ['میری عمر ۳۱ سال ہے', 31],
  ])('"%s" → %s', (text, value) => {
    expect(readAnswer(age, { text })).toEqual({ ok: true, value });
  });
  it('two numbers, or none, are not an answer', () => {
    expect(readAnswer(age, { text: 'between 30 and 35' })).toMatchObject({ ok: false });
    expect(readAnswer(age, { text: 'thirty' })).toMatchObject({ ok: false });
  });
});
