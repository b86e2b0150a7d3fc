import { describe, expect, it } from 'vitest';
import { readFlowFiles } from '../../src/flows/flowFiles.ts';
import { BUTTON_MAX_LENGTH, buildCatalogue } from '../../src/translations/catalogue.ts';
import { readDataNameTexts } from '../../src/translations/dataNameTexts.ts';
import { statusCounts } from '../../src/translations/status.ts';
import { translatedLanguages } from './folders.ts';

const files = await readFlowFiles('flows', 'locales');
const names = await readDataNameTexts('flows');
/** The shipped files with one language's wording folder left out: a language nobody has translated yet. */
const without = (lang: string) => Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith(`locales/${lang}/`))) as typeof files;

describe('the catalogue of strings a translator works on', () => {
  it('every shipped button text fits the limit, in English and every translated language', async () => {
    const tooLong: string[] = [];
    for (const lang of ['en', ...(await translatedLanguages())]) {
      for (const e of buildCatalogue(files, lang, names)) {
        if (e.maxLength === undefined) continue;
        for (const [which, text] of [['en', e.source], [lang, e.target]] as const) {
          if (typeof text === 'string' && [...text].length > e.maxLength) tooLong.push(`${which} ${e.key}: ${[...text].length}`);
        }
      }
    }
    expect(tooLong).toEqual([]);
    const ur = buildCatalogue(files, 'ur', names);
    // Choice labels of every flow, the engine's buttons and the language names carry the limit; questions do not.
    expect(ur.filter((e) => e.maxLength === BUTTON_MAX_LENGTH).map((e) => e.key)).toEqual(expect.arrayContaining(['languages.so', 'about.work.hospitality', 'answers.yesLabel', 'journey.seeJobs', 'notices.seatOffer.accept']));
    expect(ur.find((e) => e.key === 'consent.question')?.maxLength).toBeUndefined();
  });

  it('says where residents see each string, a plural once per form the language needs, and the data names', () => {
    const ar = new Map(buildCatalogue(files, 'ar', names).map((e) => [e.key, e]));
    expect(ar.get('consent.question')).toMatchObject({ file: 'core', usedAt: ['flows/main.flow.yaml: step consent'], target: expect.any(String), status: expect.any(String) });
    // With no Arabic wording, the string is listed all the same, with no text and no status.
    const untranslated = new Map(buildCatalogue(without('ar'), 'ar', names).map((e) => [e.key, e]));
    expect(untranslated.get('consent.question')).toMatchObject({ file: 'core', usedAt: ['flows/main.flow.yaml: step consent'], target: undefined, status: undefined });
    expect([...untranslated.keys()]).toEqual([...ar.keys()]);
    expect(ar.get('commands.help.phrases')).toMatchObject({ list: true, usedAt: ['flows/commands.yaml: command help'] });
    expect([...ar.keys()].filter((k) => k.startsWith('notices.session.weeks_'))).toEqual(['zero', 'one', 'two', 'few', 'many', 'other'].map((c) => `notices.session.weeks_${c}`));
    expect(ar.get('notices.session.weeks_two')).toMatchObject({ source: '{{count}} weeks', plural: { base: 'notices.session.weeks', category: 'two', englishForm: 'other' } });
    expect(ar.get('notices.session.weeks_one')?.source).toBe('{{count}} week');
    expect(ar.get('names.role.porter')).toMatchObject({ source: 'Porter', file: 'names', usedAt: ['flows/partners.yaml: job title'] });
    const ur = new Map(buildCatalogue(files, 'ur', names).map((e) => [e.key, e]));
    expect(ur.get('names.role.porter')).toMatchObject({ target: 'پورٹر', status: 'needs-review' });
  });

  it('counts per language include the data names and the plural forms each language needs', () => {
    // Polish as it was before anyone translated it: one machine-translated string.
    const counts = statusCounts({ ...without('pl'), 'locales/pl/core.json': '{"consent": {"question": "Czy możemy zachować Twoje odpowiedzi?"}}', 'locales/pl/_status.json': '{"consent.question": "machine"}' }, names);
    const en = counts.find((c) => c.lang === 'en')!;
    const pl = counts.find((c) => c.lang === 'pl')!;
    expect(en.total).toBe(en.reviewed);
    expect(en.total).toBeGreaterThan(names.length);
    // Polish has four plural forms where English has two: three plurals, two more strings each.
    expect(pl).toEqual({ lang: 'pl', total: en.total + 3 * 2, missing: en.total + 3 * 2 - 1, machine: 1, needsReview: 0, reviewed: 0 });
  });
});
