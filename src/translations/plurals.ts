/**
 * i18next plural keys (`weeks_one`, `weeks_other`, …): English has `_one` and `_other`; each
 * language needs exactly the categories `Intl.PluralRules` gives it (Arabic six, Polish four,
 * Urdu two). English `_one` is the source of a language's `one` form, English `_other` of every
 * other form.
 */
export const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
export type PluralCategory = (typeof PLURAL_CATEGORIES)[number];

const SUFFIX = /^(.+)_(zero|one|two|few|many|other)$/;

/** The categories a language's plural keys must have, in CLDR order. */
export function pluralCategories(lang: string): PluralCategory[] {
  const have = new Set(new Intl.PluralRules(lang).resolvedOptions().pluralCategories);
  return PLURAL_CATEGORIES.filter((c) => have.has(c));
}

/** `weeks_few` → { base: 'weeks', category: 'few' }; undefined for a key without a plural suffix. */
export function splitPlural(key: string): { base: string; category: PluralCategory } | undefined {
  const m = SUFFIX.exec(key);
  return m ? { base: m[1]!, category: m[2] as PluralCategory } : undefined;
}

/** The English key a language's plural form translates. */
export const englishFormOf = (category: PluralCategory): 'one' | 'other' => (category === 'one' ? 'one' : 'other');
