import { describe, expect, it } from 'vitest';
import { localName, nameSlug } from '../../src/domain/shared/localName.ts';
import { noticeWriter, noticesFromTranslator } from '../../src/domain/shared/notices.ts';
import { readDataNames, withDataNames } from '../../src/flows/dataNames.ts';
import { createTranslator, loadLocales } from '../../src/i18n.ts';

describe('names residents see, per language (issue 11, item 8)', async () => {
  const notices = noticesFromTranslator(await createTranslator(withDataNames(await loadLocales('locales'), await readDataNames('flows'))));
  const ur = noticeWriter(notices, 'ur');
  const en = noticeWriter(notices, 'en');

  it('every shipped programme, course, venue, job and site has an Urdu name, with no Latin letters', async () => {
    const names = await readDataNames('flows');
    expect(Object.keys(names.ur!).sort()).toEqual(['course', 'partner', 'programme', 'role', 'site', 'venue']);
    for (const kind of Object.values(names.ur!)) for (const n of Object.values(kind)) expect(n).not.toMatch(/[A-Za-z]/);
    expect(localName(ur, 'course', 'I Can - administration')).toBe('آئی کین - دفتری کام');
    expect(localName(ur, 'venue', 'Heartlands Hospital Learning Hub')).toBe('ہارٹ لینڈز ہسپتال، تعلیمی مرکز');
    expect(localName(ur, 'role', 'Porter')).toBe('پورٹر');
    expect(localName(ur, 'programme', 'I Can')).toBe('آئی کین');
  });

  it('English keeps the name the database holds; a partner is named plainly, not by its trust name', () => {
    expect(localName(en, 'role', 'Porter')).toBe('Porter');
    expect(localName(en, 'partner', 'University Hospitals Birmingham NHS Foundation Trust')).toBe('NHS');
  });

  it('a name with no translation (an imported venue) stays as it is, in every language', () => {
    expect(localName(ur, 'venue', 'St Mary’s Church Hall')).toBe('St Mary’s Church Hall');
    expect(nameSlug('Café Rouge — Hall 2')).toBe('cafe-rouge-hall-2');
  });
});
