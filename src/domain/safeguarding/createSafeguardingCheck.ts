import type { Reply } from '../../engine/reply.ts';
import type { SafeguardingCheck } from '../../engine/port.ts';
import { containsPhrase, normalisePhrase } from './normalisePhrase.ts';
import type { PhraseList } from './phraseList.ts';

export type SafeguardingTier = 'danger' | 'crisis';

/** Could someone in this age band ("16-18", "under 19", "19–24", "35+", "17") be younger than `limit`? Unknown → yes. */
export function mayBeUnder(ageBand: string | undefined, limit: number): boolean {
  if (!ageBand || /under/i.test(ageBand)) return true;
  const nums = ageBand.match(/\d+/g)?.map(Number) ?? [];
  // The youngest age in the band decides ("35+" starts at 35).
  return nums.length === 0 || Math.min(...nums) < limit;
}

/** Which tier a message matches in any shipped language (people write in more than one). */
export function matchTier(lists: readonly { danger: string[]; crisis: string[] }[], text: string): SafeguardingTier | undefined {
  const t = normalisePhrase(text);
  if (!t) return undefined;
  if (lists.some((l) => l.danger.some((p) => containsPhrase(t, p)))) return 'danger';
  if (lists.some((l) => l.crisis.some((p) => containsPhrase(t, p)))) return 'crisis';
  return undefined;
}

/**
 * The safeguarding matcher the engine runs before flow logic. A match answers with the
 * tiered signposting of ../shared/DOMAIN.md in the resident's language (numbers first):
 * 999 for immediate danger, then NHS 111 option 2, Samaritans and SHOUT; Childline when
 * the resident may be under 19 and PAPYRUS when they may be under 35 (an unknown age gets
 * both: residents include 16–24-year-olds). The engine then raises the urgent handoff.
 */
export function createSafeguardingCheck(lists: PhraseList[], fallbackLocale = 'en'): SafeguardingCheck & { tier(text: string): SafeguardingTier | undefined } {
  const normalised = lists.map((l) => ({ locale: l.locale, danger: l.phrases.danger.map(normalisePhrase), crisis: l.phrases.crisis.map(normalisePhrase) }));
  const byLocale = new Map(lists.map((l) => [l.locale, l]));
  const fallback = byLocale.get(fallbackLocale) ?? lists[0];
  if (!fallback) throw new Error('createSafeguardingCheck needs at least one phrase list');
  return {
    tier: (text) => matchTier(normalised, text),
    check(text, locale, profile) {
      const tier = matchTier(normalised, text);
      if (!tier) return { matched: false };
      const list = byLocale.get(locale) ?? byLocale.get(locale.split('-')[0]!) ?? fallback;
      const s = list.signposting;
      const lines = [
        ...(tier === 'danger' ? [s.danger] : []),
        ...s.crisis,
        ...(mayBeUnder(profile.ageBand, 19) ? [s.under19] : []),
        ...(mayBeUnder(profile.ageBand, 35) ? [s.under35] : []),
        ...(tier === 'crisis' ? [s.danger] : []),
      ];
      const folded = normalisePhrase(text);
      const matchedIn = normalised.filter((l) => [...l.danger, ...l.crisis].some((p) => containsPhrase(folded, p))).map((l) => l.locale);
      const replies: Reply[] = [
        { type: 'text', text: lines.join('\n'), locale: list.locale, dir: list.dir },
        { type: 'text', text: s.who, locale: list.locale, dir: list.dir },
      ];
      return { matched: true, replies, matchedIn };
    },
  };
}
