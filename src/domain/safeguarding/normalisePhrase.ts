/**
 * Folds text to space-separated words so phrase lists match however people type:
 * case, punctuation, apostrophes ("can't" = "cant"), Arabic-script vowel marks and
 * tatweel, zero-width joiners, Arabic-keyboard letters typed for their Urdu forms, and alef
 * with hamza or madda (أ إ آ ٱ) typed as a bare alef (ا), as most people type Arabic on a phone.
 */
export function normalisePhrase(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/['’‘`´]/g, '')
    .replace(/[\u064b-\u065f\u0670\u0640]/g, '')
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
