/**
 * Choosing, detecting, switching and limiting languages, on the shipped flows and wording and
 * real PostgreSQL: what a resident sees when their first message is in another language, when
 * they name a language mid-journey, and what LANGUAGES_LIVE takes off (docs/languages.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/createEngine.ts';
import type { Engine } from '../../src/engine/port.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { makeActionRunner } from '../../src/engine/runAction.ts';
import { silent } from '../helpers/flowDir.ts';
import { shippedEngine, type ShippedEngine } from '../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

let t: TestDb;
let se: ShippedEngine;
let englishOnly: Engine;
let n = 0;
let activity = 0;

const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type));
const buttons = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'choices' ? r.choices.map((c) => c.value) : []));
const s = (lang: string, key: string) => String(se.catalog.current.translator.t(lang)(key));
const turn = (engine: Engine, conversationId: string, o: { text?: string; value?: unknown; locale?: string }) =>
  engine.handleTurn({ conversationId, channel: 'test', activityId: `lang${++activity}`, user: { id: conversationId }, ...o, receivedAt: new Date() }).then((r) => r.replies);
const conv = () => `lang-${++n}`;

beforeAll(async () => {
  t = await createTestDb();
  se = await shippedEngine(t.db);
  englishOnly = createEngine({ db: t.db, catalog: se.catalog, logger: silent, runAction: makeActionRunner(se.actions, 5000, silent), languagesLive: ['en'] });
});
afterAll(async () => {
  await t.close();
});

describe('the first message', () => {
  it('clearly Urdu: the greeting and the language question come in Urdu, Urdu first among the buttons', async () => {
    const replies = await se.send(conv(), 'میں برمنگھم میں نوکری ڈھونڈ رہا ہوں');
    expect(texts(replies)).toEqual([s('ur', 'welcome.greeting'), s('ur', 'welcome.languageQuestion')]);
    expect(replies.every((r) => !('dir' in r) || r.dir === 'rtl')).toBe(true);
    expect(buttons(replies)[0]).toBe('ur');
  });

  it('typed after the web greeting (already at the language question): greeted again in Urdu; pressing Urdu goes on in Urdu', async () => {
    const c = conv();
    const start = await turn(se.engine, c, { value: 'cmd:start', locale: 'en' });
    expect(texts(start)).toContain(s('en', 'welcome.languageQuestion'));
    const replies = await turn(se.engine, c, { text: 'السلام علیکم', locale: 'en' });
    expect(texts(replies)).toEqual([s('ur', 'welcome.greeting'), s('ur', 'welcome.languageQuestion')]);
    const next = await turn(se.engine, c, { value: 'ur', locale: 'en' });
    expect(texts(next).join('\n')).toContain(s('ur', 'consent.question'));
  });

  it('"hi", a postcode, a number, Roman Urdu: English stays and nothing is said about language', async () => {
    for (const text of ['hi', 'B67 9HG', '31', 'main kaam dhoond raha hoon']) {
      const replies = await se.send(conv(), text);
      expect(texts(replies)).toEqual([s('en', 'welcome.greeting'), s('en', 'welcome.languageQuestion')]);
    }
  });

  it('a page in Urdu wins over detection; a page in English (the default) does not', async () => {
    const page = await turn(se.engine, conv(), { text: 'I am looking for a job in Birmingham please', locale: 'ur' });
    expect(texts(page)).toEqual([s('ur', 'welcome.greeting'), s('ur', 'welcome.languageQuestion')]);
    const english = await turn(se.engine, conv(), { text: 'میں برمنگھم میں نوکری ڈھونڈ رہا ہوں', locale: 'en-GB' });
    expect(texts(english)[0]).toBe(s('ur', 'welcome.greeting'));
  });

  it('naming a language at the language question is its answer, not a detection', async () => {
    const c = conv();
    await se.send(c, undefined, 'cmd:start');
    const replies = await se.send(c, 'اردو میں');
    expect(texts(replies).join('\n')).toContain(s('ur', 'consent.question'));
    expect(texts(replies)).not.toContain(s('ur', 'welcome.greeting'));
  });

  it('the language question in Urdu reads "2" as its second button (English)', async () => {
    const c = conv();
    const first = await se.send(c, 'کیا حال ہے');
    expect(buttons(first).slice(0, 2)).toEqual(['ur', 'en']);
    const replies = await se.send(c, '2');
    expect(texts(replies).join('\n')).toContain(s('en', 'consent.question'));
  });
});

describe('naming a language at any time', () => {
  async function atAge(): Promise<string> {
    const c = conv();
    await se.send(c, undefined, 'cmd:start');
    await se.send(c, undefined, 'en');
    const r = await se.send(c, undefined, 'yes');
    expect(texts(r)).toContain(s('en', 'about.ageQuestion'));
    return c;
  }

  it.each(['urdu', 'in Urdu please', 'اردو', 'ਉਰਦੂ', 'উর্দু'])('"%s" mid-journey: "OK, I will use Urdu" in Urdu and the same question in Urdu', async (text) => {
    const c = await atAge();
    const replies = await se.send(c, text);
    expect(texts(replies)).toEqual([s('ur', 'engine.languageChanged'), s('ur', 'about.ageQuestion')]);
    const next = await se.send(c, '۳۱');
    expect(texts(next).join('\n')).toContain(s('ur', 'about.workQuestion'));
  });

  /** At "Do you have the right to work in the UK?" (a yes/no question), by buttons. */
  async function atRightToWork(): Promise<string> {
    const c = await atAge();
    await se.send(c, '31');
    await se.send(c, undefined, 'unemployed');
    const r = await se.send(c, undefined, '1');
    expect(texts(r)).toContain(s('en', 'about.rightToWorkQuestion'));
    return c;
  }

  it.each(['I am Polish', 'im romanian', 'I am Somali'])('"%s" at a yes/no question states a nationality: no switch, the question stays', async (text) => {
    const c = await atRightToWork();
    const replies = await se.send(c, text);
    expect(replies.every((r) => !('locale' in r) || r.locale === 'en')).toBe(true);
    expect(texts(replies).join('\n')).toContain(s('en', 'about.rightToWorkQuestion'));
  });

  it.each([
    ['polish', 'pl'],
    ['in Polish', 'pl'],
    ['po polsku', 'pl'],
    ['عربي', 'ar'],
  ])('a bare name "%s" at a yes/no question switches', async (text, code) => {
    const c = await atRightToWork();
    const replies = await se.send(c, text);
    expect(texts(replies)).toEqual([s(code, 'engine.languageChanged'), s(code, 'about.rightToWorkQuestion')]);
  });

  it.each([
    ['in Polish please', 'pl'],
    ['po polsku', 'pl'],
    ['عربي', 'ar'],
    ['বাংলা', 'bn'],
  ])('"%s" at a choice question switches', async (text, code) => {
    const c = await atAge();
    await se.send(c, '31');
    const replies = await se.send(c, text);
    expect(texts(replies)).toEqual([s(code, 'engine.languageChanged'), s(code, 'about.workQuestion')]);
  });

  it('a sentence that mentions a language is not a switch', async () => {
    const c = await atAge();
    const replies = await se.send(c, 'I speak Urdu and English');
    expect(texts(replies)).not.toContain(s('ur', 'engine.languageChanged'));
    expect(replies.every((r) => !('locale' in r) || r.locale === 'en')).toBe(true);
  });

  it('"change language" offers the current language first, then the others', async () => {
    const c = await atAge();
    await se.send(c, 'urdu');
    const replies = await se.send(c, 'change language');
    expect(buttons(replies).slice(0, 2)).toEqual(['lang:ur', 'lang:en']);
  });
});

describe('LANGUAGES_LIVE', () => {
  it('English only: no language question (English is chosen without asking, the flow moves on); "change language" offers English alone; Urdu is neither detected nor named', async () => {
    const c = conv();
    const first = await turn(englishOnly, c, { text: 'میں برمنگھم میں نوکری ڈھونڈ رہا ہوں' });
    expect(texts(first)).toEqual([s('en', 'welcome.greeting'), s('en', 'consent.notice'), s('en', 'consent.question')]);
    expect(buttons(first)).toEqual(['yes', 'no']);
    expect(buttons(await turn(englishOnly, c, { text: 'change language' }))).toEqual(['lang:en']);
    const named = await turn(englishOnly, c, { text: 'urdu' });
    expect(named.every((r) => !('locale' in r) || r.locale === 'en')).toBe(true);
    const pressed = await turn(englishOnly, c, { value: 'lang:ur' });
    expect(texts(pressed)).not.toContain(s('ur', 'engine.languageChanged'));
  });

  it('English only: the web greeting turn goes straight past the language question, with English recorded as the answer', async () => {
    const c = conv();
    const start = await turn(englishOnly, c, { value: 'cmd:start', locale: 'en' });
    expect(texts(start)).toEqual([s('en', 'welcome.greeting'), s('en', 'consent.notice'), s('en', 'consent.question')]);
    expect(texts(start)).not.toContain(s('en', 'welcome.languageQuestion'));
    const next = await turn(englishOnly, c, { value: 'yes' });
    expect(texts(next)).toContain(s('en', 'about.ageQuestion'));
    const stored = await t.db.query<{ snapshot: { context: { data: Record<string, unknown> } } }>('SELECT snapshot FROM conversations WHERE id = $1', [c]);
    expect(stored.rows[0]!.snapshot.context.data.language).toBe('en');
  });

  it('a conversation waiting on the language question in Urdu when Urdu is taken off is still asked (Urdu and English)', async () => {
    const c = conv();
    await turn(se.engine, c, { value: 'cmd:start', locale: 'ur' });
    const replies = await turn(englishOnly, c, { text: 'hmm' });
    expect(buttons(replies)).toEqual(['ur', 'en']);
  });

  it('a conversation already in Urdu carries on in Urdu when Urdu is taken off', async () => {
    const c = conv();
    await se.send(c, undefined, 'cmd:start');
    await se.send(c, undefined, 'ur');
    const replies = await turn(englishOnly, c, { value: 'yes' });
    expect(texts(replies)).toContain(s('ur', 'about.ageQuestion'));
    expect(buttons(await turn(englishOnly, c, { text: 'زبان بدلیں' }))).toEqual(['lang:ur', 'lang:en']);
  });
});
