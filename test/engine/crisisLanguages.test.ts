/**
 * Crisis safety in every language, at engine level, on the shipped flows, wording and phrase
 * lists (every file in flows/safeguarding/, however many there are) and real PostgreSQL: a
 * resident in that language who types a crisis or a danger phrase mid-journey gets the numbers
 * first, in their language, an urgent handoff, and not the journey's question as if nothing
 * happened. A phrase from another language's list typed in an English conversation triggers too,
 * answered in the phrase's language when that is clear (docs/languages.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeguardingCheck } from '../../src/domain/safeguarding/createSafeguardingCheck.ts';
import { loadPhraseLists, type PhraseList } from '../../src/domain/safeguarding/phraseList.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { findOpenHandoff } from '../../src/store/handoffs.ts';
import { shippedEngine, testDesk, type ShippedEngine } from '../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

const lists = loadPhraseLists('flows/safeguarding');
const tiers = createSafeguardingCheck(lists);
const textOf = (r: Reply | undefined) => (r && 'text' in r ? r.text : '');

/** The first phrase of a list that is matched as the tier it is listed under (a crisis phrase containing a danger phrase is danger). */
function phraseOf(list: PhraseList, tier: 'crisis' | 'danger'): string {
  const p = list.phrases[tier].find((x) => tiers.tier(x) === tier);
  if (!p) throw new Error(`${list.locale}.yaml: no ${tier} phrase is matched as ${tier}`);
  return p;
}

let t: TestDb;
let se: ShippedEngine;
let n = 0;

beforeAll(async () => {
  t = await createTestDb();
  se = await shippedEngine(t.db, { desk: testDesk(t.db) });
});
afterAll(async () => {
  await t.close();
});

/** A resident who picked `lang` and agreed, now at the age question; the conversation id and that question in `lang`. */
async function midJourney(lang: string): Promise<{ conv: string; ageQuestion: string }> {
  const conv = `crisis-${lang}-${++n}`;
  await se.send(conv, undefined, 'cmd:start');
  await se.send(conv, undefined, lang);
  const atAge = await se.send(conv, undefined, 'yes');
  const ageQuestion = String(se.catalog.current.translator.t(lang)('about.ageQuestion'));
  expect(atAge.map(textOf).join('\n')).toContain(ageQuestion);
  return { conv, ageQuestion };
}

describe.each(lists.map((l) => [l.locale, l] as const))('crisis safety in %s', (lang, list) => {
  it('a crisis phrase mid-journey: 111 option 2, Samaritans and SHOUT first, in the language, an urgent handoff, the question not asked again', async () => {
    expect(se.catalog.current.translator.languages).toContain(lang);
    const { conv, ageQuestion } = await midJourney(lang);
    const replies = await se.send(conv, `${phraseOf(list, 'crisis')}`);
    const first = replies[0]!;
    expect(first).toMatchObject({ type: 'text', locale: lang });
    expect(textOf(first).startsWith(list.signposting.crisis[0]!)).toBe(true);
    expect(textOf(first)).toMatch(/^111\D/);
    for (const number of ['116 123', '85258', '999']) expect(textOf(first)).toContain(number);
    expect((await findOpenHandoff(t.db, conv))?.urgency).toBe('urgent');
    expect(replies.map(textOf).filter((x) => x.includes(ageQuestion))).toEqual([]);
  });

  it('a danger phrase mid-journey: 999 first, in the language, an urgent handoff, the question not asked again', async () => {
    const { conv, ageQuestion } = await midJourney(lang);
    const replies = await se.send(conv, phraseOf(list, 'danger'));
    const first = replies[0]!;
    expect(first).toMatchObject({ type: 'text', locale: lang });
    expect(textOf(first).startsWith(list.signposting.danger)).toBe(true);
    expect(textOf(first)).toMatch(/^999\D/);
    expect((await findOpenHandoff(t.db, conv))?.urgency).toBe('urgent');
    expect(replies.map(textOf).filter((x) => x.includes(ageQuestion))).toEqual([]);
  });
});

describe('a phrase from another language in an English conversation', () => {
  it.each(lists.filter((l) => l.locale !== 'en').map((l) => [l.locale, l] as const))('%s: still triggers, with the numbers first and an urgent handoff', async (_lang, list) => {
    const { conv } = await midJourney('en');
    const replies = await se.send(conv, phraseOf(list, 'crisis'));
    expect(textOf(replies[0])).toMatch(/^111\D/);
    expect(['en', list.locale]).toContain((replies[0] as { locale: string }).locale);
    expect((await findOpenHandoff(t.db, conv))?.urgency).toBe('urgent');
  });

  it('an Urdu sentence is answered in Urdu (clearly Urdu); the conversation stays in English', async () => {
    const { conv } = await midJourney('en');
    const replies = await se.send(conv, 'میں خودکشی کرنا چاہتا ہوں');
    const ur = lists.find((l) => l.locale === 'ur')!;
    expect(replies[0]).toMatchObject({ locale: 'ur', dir: 'rtl' });
    expect(textOf(replies[0]).startsWith(ur.signposting.crisis[0]!)).toBe(true);
    const handoff = await findOpenHandoff(t.db, conv);
    expect(handoff).toMatchObject({ urgency: 'urgent', locale: 'en' });
  });

  it('Roman Urdu is not clearly Urdu: the numbers come in the conversation’s English, 999 first for danger', async () => {
    const { conv } = await midJourney('en');
    const replies = await se.send(conv, 'mujhe khatra hai');
    const en = lists.find((l) => l.locale === 'en')!;
    expect(replies[0]).toMatchObject({ locale: 'en' });
    expect(textOf(replies[0]).startsWith(en.signposting.danger)).toBe(true);
  });

  it.each([
    ['pl', 'chce umrzec'],
    ['so', 'waan is dilayaa'],
    ['ro', 'vreau sa mor'],
  ] as const)('%s: a phrase too short to detect but in only that language’s list is answered in that language', async (lang, phrase) => {
    const { conv } = await midJourney('en');
    const replies = await se.send(conv, phrase);
    const list = lists.find((l) => l.locale === lang)!;
    expect(replies[0]).toMatchObject({ locale: lang });
    expect(textOf(replies[0]).startsWith(list.signposting.crisis[0]!) || textOf(replies[0]).startsWith(list.signposting.danger)).toBe(true);
    expect((await findOpenHandoff(t.db, conv))?.urgency).toBe('urgent');
  });

  it('an Urdu crisis phrase as the very first message: Urdu numbers, and the conversation is in Urdu from then on', async () => {
    const conv = `crisis-first-${++n}`;
    const replies = await se.send(conv, 'میں اپنی جان لے لوں گا');
    expect(replies[0]).toMatchObject({ locale: 'ur' });
    expect(textOf(replies[0])).toMatch(/^111\D/);
    expect(await findOpenHandoff(t.db, conv)).toMatchObject({ urgency: 'urgent', locale: 'ur' });
  });
});
