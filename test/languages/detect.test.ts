import { describe, expect, it } from 'vitest';
import { createTranslator, loadLocales } from '../../src/i18n.ts';
import { LANGUAGE_CODES } from '../../src/languages.ts';
import { detectLanguage, FRANC_MIN_LENGTH } from '../../src/languages/detect.ts';
import { languageWords, namedLanguage } from '../../src/languages/words.ts';

// The shipped wording of all eight languages (issue 14): their word lists are what detection reads.
const resources = await loadLocales('locales');
const translator = await createTranslator(resources);
const words = languageWords(translator);
const all = LANGUAGE_CODES;
const detect = (text: string, live: readonly string[] = all) => detectLanguage(text, live, words.detection);

describe('detectLanguage: only a clear language', () => {
  const clear: Array<[string, string, 'script' | 'words' | 'franc']> = [
    // Script
    ['ਮੈਨੂੰ ਬਰਮਿੰਘਮ ਵਿੱਚ ਨੌਕਰੀ ਚਾਹੀਦੀ ਹੈ', 'pa', 'script'],
    ['আমি বার্মিংহামে কাজ খুঁজছি', 'bn', 'script'],
    ['میں برمنگھم میں نوکری ڈھونڈ رہا ہوں', 'ur', 'script'],
    ['کیا حال ہے', 'ur', 'script'],
    ['مجھے نوکری چاہیے', 'ur', 'script'],
    ['مرحبا كيف حالك', 'ar', 'script'],
    ['أبحث عن عمل في مدينة برمنغهام', 'ar', 'script'],
    ['هل يمكنك مساعدتي في إيجاد وظيفة؟', 'ar', 'script'],
    // Shahmukhi Panjabi: Urdu letters, so the Urdu wording (docs/languages.md).
    ['میں کم لبھ رہیا واں', 'ur', 'script'],
    // Diacritics only one of our Latin languages has
    ['cześć, szukam pracy', 'pl', 'script'],
    // ș, in words no wording list has (the small-talk lists have "mulțumesc": found by words, below).
    ['Sunt șofer', 'ro', 'script'],
    ['Nie mówię po angielsku', 'pl', 'script'],
    ['Vorbesc doar română', 'ro', 'script'],
    // Whole message in exactly one language's wording
    ['السلام علیکم', 'ur', 'words'],
    ['السلام عليكم', 'ar', 'words'],
    ['Dzień dobry!', 'pl', 'words'],
    ['bună ziua', 'ro', 'words'],
    ['mulțumesc', 'ro', 'words'],
    ['salaan', 'so', 'words'],
    ['polski', 'pl', 'words'],
    ['عربي', 'ar', 'words'],
    // franc on a long enough message
    ['I am looking for a job in Birmingham', 'en', 'franc'],
    ['Szukam pracy w Birmingham, czy możesz mi pomóc?', 'pl', 'franc'],
    ['Caut un loc de muncă în Birmingham', 'ro', 'franc'],
    ['Waxaan raadinayaa shaqo Birmingham', 'so', 'franc'],
    ['Ma i caawin kartaa inaan shaqo helo?', 'so', 'franc'],
    ['My friend Łukasz told me about the hospital jobs', 'en', 'franc'],
    ['I worked with Ștefan at the hotel for two years', 'en', 'franc'],
  ];
  it.each(clear)('%s → %s (%s)', (text, code, by) => {
    expect(detect(text)).toEqual({ code, by });
  });

  const unclear = [
    'hi',
    'ok',
    'Hello',
    'B67 9HG',
    '31',
    '۳۱',
    '👍',
    '🙂🙂',
    'yes',
    // Said by speakers of several languages, in Latin letters
    'assalamu alaikum',
    'salaam',
    // Roman Urdu and Hinglish: franc calls them Somali
    'main kaam dhoond raha hoon',
    'mujhe naukri chahiye Birmingham mein',
    'kya aap meri madad kar sakte hain',
    'bhai job chahiye yaar please help',
    'mera naam Ali hai aur main Small Heath mein rehta hoon',
    // A name with Polish or Romanian letters in a short English message
    'hello my name is Łukasz',
    'Łukasz',
    'I am Ștefan',
    // Too short for franc, no telling letters
    'Szukam pracy',
    'Caut de lucru',
    'Ma jiro shaqo',
    // Both Urdu's and Arabic's wording have it, and no letter only one of them has
    'سلام',
  ];
  it.each(unclear)('%s → nothing', (text) => {
    expect(detect(text)).toBeUndefined();
  });

  it('never picks a language that is not live', () => {
    expect(detect('Szukam pracy w Birmingham, czy możesz mi pomóc?', ['en', 'ur'])).toBeUndefined();
    expect(detect('ਮੈਨੂੰ ਨੌਕਰੀ ਚਾਹੀਦੀ ਹੈ', ['en'])).toBeUndefined();
    expect(detect('polski', ['en', 'ro'])).toBeUndefined();
    expect(detect('میں برمنگھم میں نوکری ڈھونڈ رہا ہوں', ['en', 'ur'])).toEqual({ code: 'ur', by: 'script' });
  });

  it(`gives franc only messages of ${FRANC_MIN_LENGTH}+ characters: real sentences are read right, Roman Urdu is never called Somali`, () => {
    // The sentences the threshold was measured on (10 per language; shorter ones are left to letters and word lists).
    const corpus: Record<string, string[]> = {
      en: ['Can you help me find work near Small Heath?', 'I used to work in a hotel kitchen', 'What time does the course start tomorrow?', 'Is there any work for cleaners in Solihull?', 'I lost my job last month and need help'],
      pl: ['Czy możesz mi pomóc znaleźć pracę?', 'Pracowałem w hotelu przez dwa lata', 'O której godzinie zaczyna się kurs?', 'Mogę zacząć od przyszłego tygodnia'],
      ro: ['Mă puteți ajuta să găsesc de lucru?', 'Am lucrat într-un hotel timp de doi ani', 'La ce oră începe cursul mâine?', 'Pot să încep de săptămâna viitoare'],
      so: ['Waxaan ka shaqeeyay hudheel laba sano', 'Goorma ayuu koorsadu bilaabanayaa berri?', 'Shaqadaydii ayaan waayay bishii hore', 'Waxaan bilaabi karaa toddobaadka soo socda'],
    };
    const problems: string[] = [];
    for (const [code, sentences] of Object.entries(corpus)) {
      for (const s of sentences) if (detect(s)?.code !== code) problems.push(`${s}: ${JSON.stringify(detect(s))}, expected ${code}`);
    }
    for (const s of ['main hotel mein kaam karta tha', 'mere paas driving licence nahi hai', 'Aap ka bohat shukriya bhai']) if (detect(s)) problems.push(`${s}: ${JSON.stringify(detect(s))}`);
    expect(problems).toEqual([]);
  });
});

describe('namedLanguage: a message that only names a language, in any of our languages', () => {
  const cases: Array<[string, string | undefined]> = [
    ['Polish', 'pl'],
    ['in Polish please', 'pl'],
    ['po polsku', 'pl'],
    ['polski', 'pl'],
    ['عربي', 'ar'],
    ['العربية', 'ar'],
    ['বাংলা', 'bn'],
    ['ਪੰਜਾਬੀ', 'pa'],
    ['punjabi', 'pa'],
    // Panjabi in Arabic script: the Urdu wording (the decision in docs/languages.md)
    ['پنجابی', 'ur'],
    ['اردو میں', 'ur'],
    ['Soomaali', 'so'],
    ['română', 'ro'],
    ['I want English', 'en'],
    ['angielski', 'en'],
    // Not only a name
    ['I speak Polish and English', undefined],
    ['my mum is Polish', undefined],
    ['please', undefined],
    ['hello', undefined],
  ];
  it.each(cases)('%s → %s', (text, code) => {
    expect(namedLanguage(text, words, all)).toBe(code);
  });

  it('names only live languages', () => {
    expect(namedLanguage('po polsku', words, ['en', 'ur'])).toBeUndefined();
    expect(namedLanguage('english', words, ['en'])).toBe('en');
  });
});
