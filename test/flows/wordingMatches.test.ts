/** Flow tests expect wording by key; a key whose wording takes values matches whatever values the turn gave. */
import { describe, expect, it } from 'vitest';
import { wordingMatches } from '../../src/flows/flowTest.ts';

describe('a flow test’s expected wording', () => {
  it('matches a reply with the placeholder filled in, and only the same words around it', () => {
    const booked = 'Your place is booked. Your booking number is {{booking.bookingId}}. Give it to the course team.';
    expect(wordingMatches('Your place is booked. Your booking number is 7. Give it to the course team.', booked)).toBe(true);
    expect(wordingMatches('Your place is booked. Your booking number is . Give it to the course team.', booked)).toBe(false);
    expect(wordingMatches('Your place is booked. Give it to the course team.', booked)).toBe(false);
  });

  it('reads the wording’s own punctuation literally (a "?" or "(" is not a pattern)', () => {
    expect(wordingMatches('Is that OK? (yes/no)', 'Is that OK? (yes/no)')).toBe(true);
    expect(wordingMatches('Is that OK (yes/no)', 'Is that OK? ({{x}})')).toBe(false);
    expect(wordingMatches('Is that OK? (maybe)', 'Is that OK? ({{x}})')).toBe(true);
  });
});
