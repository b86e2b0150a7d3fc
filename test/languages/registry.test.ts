/** src/languages.ts: a page's, browser's or channel's language tag → one of our languages. */
import { describe, expect, it } from 'vitest';
import { languageOf } from '../../src/languages.ts';

describe('languageOf', () => {
  it('reads a region or script subtag as its language', () => {
    expect(languageOf('ur-PK')?.code).toBe('ur');
    expect(languageOf('ar-SA')?.code).toBe('ar');
    expect(languageOf('PL-pl')?.code).toBe('pl');
    expect(languageOf('pa')?.code).toBe('pa');
    expect(languageOf('pa-Guru')?.code).toBe('pa');
    expect(languageOf('pa-IN')?.code).toBe('pa');
    expect(languageOf('fr')).toBeUndefined();
    expect(languageOf('')).toBeUndefined();
  });

  it('answers Panjabi in Shahmukhi (pa-Arab, pa-PK, any case) in Urdu, as documented', () => {
    for (const tag of ['pa-Arab', 'pa-arab', 'PA-ARAB', 'pa-PK', 'pa-pk', 'pa-Arab-PK']) expect(languageOf(tag)?.code).toBe('ur');
    // Not a prefix of another subtag.
    expect(languageOf('pa-Arabx')?.code).toBe('pa');
  });
});
