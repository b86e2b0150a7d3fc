/**
 * Folds text to space-separated words so phrase lists match however people type:
 * case, punctuation, apostrophes ("can't" = "cant"), Latin accents ("chcę umrzeć" = "chce umrzec",
 * ł = l, Romanian ş/ș = s), Arabic-script vowel marks and tatweel, zero-width joiners,
 * Arabic-keyboard letters typed for their Urdu forms, alef with hamza or madda (أ إ آ ٱ) typed as
 * a bare alef (ا), ta marbuta typed as ha (ة = ه), and ؤ ئ typed without their hamza (و ی),
 * as most people type on a phone. Bengali and Gurmukhi vowel signs are kept: they are letters.
 */
export function normalisePhrase(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ł/g, 'l')
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/['’‘`´]/g, '')
    .replace(/[\u064b-\u065f\u0670\u0640]/g, '')
    .replace(/\u0629/g, '\u0647')
    .replace(/\u0624/g, '\u0648')
    .replace(/\u0626/g, '\u064a')
    .replace(/\u064a|\u0649/g, '\u06cc')
    .replace(/\u0643/g, '\u06a9')
    .replace(/\u0647/g, '\u06c1')
    .replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627')
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim();
}

/** Whole-phrase match: the phrase's words appear together, in order, as whole words. */
export function containsPhrase(normalisedText: string, normalisedPhrase: string): boolean {
  if (!normalisedPhrase) return false;
  return ` ${normalisedText} `.includes(` ${normalisedPhrase} `);
}
