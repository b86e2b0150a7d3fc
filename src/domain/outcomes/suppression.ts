/**
 * Small-number suppression, as UK official statistics do it (issue 15, docs/outcomes.md). Pure:
 * counts in, shown counts out; loadOutcomes applies it before any caller sees a figure.
 *
 * - **Primary**: a count of 1–4 is shown as "<5" (0 is shown as 0: nobody is there to identify).
 * - **Complementary (secondary)**: in a *group* of cells whose sum is known — a breakdown column
 *   adds up to the funnel figure of its step, the deciles add up to the residents with a known
 *   decile (their shares give that total away) — a single hidden cell could be worked out by
 *   subtraction. So no group is left with exactly one hidden cell: the smallest other non-zero
 *   cell is hidden too (a zero only when there is none), marked "[c]", and this repeats until
 *   every group has none or at least two hidden cells. Every group's total is treated as known,
 *   even where the report does not print it, because another report (another filter) may. (A
 *   total of 1–4 is itself shown as "<5"; then a lone hidden cell may stay alone — its group has
 *   no other non-zero cell to hide, and nothing known to subtract it from.)
 * - Conversions and shares computed from a hidden count are not shown.
 *
 * What it does not defend against: reasoning from the ranges ("<5" is 1–4, "[c]" is 5 or more)
 * in a group whose hidden cells add up to exactly their smallest possible sum. We accept that
 * (as ONS tables do); the property test checks derivation by subtraction.
 */
import type { ShownCount } from './outcomeReport.ts';

/** A count of 1–4. */
export const SUPPRESSED_MARK = '<5';
/** A count hidden so that a "<5" in the same group cannot be worked out by subtraction. */
export const SECONDARY_MARK = '[c]';
/** A count that cannot be cut this way (the anonymous start count has no ward or decile). */
export const NOT_APPLICABLE_MARK = '–';

export const SMALLEST_SHOWN = 5;

/** Thousands separated, as in British English: "1,234". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}

export function shown(n: number): ShownCount {
  return { value: n, shown: formatCount(n) };
}

export const notApplicable = (): ShownCount => ({ value: null, shown: NOT_APPLICABLE_MARK });

/** Primary suppression alone: for a count that is in no group (a funnel step, the side counts). */
export function suppressCount(n: number | null): ShownCount {
  if (n === null) return notApplicable();
  if (n >= 1 && n < SMALLEST_SHOWN) return { value: null, shown: SUPPRESSED_MARK };
  return shown(n);
}

type State = 'na' | 'shown' | 'primary' | 'secondary';

/**
 * Primary and complementary suppression of a set of cells. `values[i]` is a count, or null when
 * not applicable (left out of every group). Each group lists cell indices whose sum is known.
 */
export function suppressCells(
  values: ReadonlyArray<number | null>,
  groups: ReadonlyArray<readonly number[]>,
  /** Groups that must hide at least one cell (their total is itself hidden elsewhere and would be given away). */
  mustHide: ReadonlyArray<readonly number[]> = [],
): ShownCount[] {
  const state: State[] = values.map((v) => (v === null ? 'na' : v >= 1 && v < SMALLEST_SHOWN ? 'primary' : 'shown'));
  const hidden = (i: number) => state[i] === 'primary' || state[i] === 'secondary';
  for (let changed = true; changed; ) {
    changed = false;
    for (const group of [...mustHide.filter((g) => !g.some(hidden) && g.some((i) => (values[i] ?? 0) > 0)), ...groups]) {
      const n = group.filter(hidden).length;
      if (n !== 1 && !(n === 0 && mustHide.includes(group))) continue;
      // The smallest non-zero shown cell (a zero only when there is no other): hides least.
      const candidates = group.filter((i) => state[i] === 'shown' && (n > 0 || values[i]! > 0)).sort((a, b) => rank(values[a]!) - rank(values[b]!) || a - b);
      const pick = candidates[0];
      if (pick === undefined) continue; // nothing left to hide: the group is all hidden but one not-applicable
      state[pick] = 'secondary';
      changed = true;
    }
  }
  return values.map((v, i) =>
    state[i] === 'na' ? notApplicable() : state[i] === 'primary' ? { value: null, shown: SUPPRESSED_MARK } : state[i] === 'secondary' ? { value: null, shown: SECONDARY_MARK } : shown(v!),
  );
}

const rank = (v: number) => (v === 0 ? Number.MAX_SAFE_INTEGER : v);

/**
 * A breakdown table (rows × steps): each step's column is a group (its rows add up to the
 * step's figure). `table[row][col]`; null cells are not applicable. `mustHideColumns`: columns
 * whose total is hidden elsewhere (decile-1 reach hidden: its routes' consented column would
 * give it away, and through it the other hidden deciles), so at least one of their non-zero
 * cells is hidden too — and then, by the rule above, a second.
 */
export function suppressTable(table: ReadonlyArray<ReadonlyArray<number | null>>, opts: { mustHideColumns?: readonly number[] } = {}): ShownCount[][] {
  const cols = table[0]?.length ?? 0;
  const flat = table.flat();
  const groups: number[][] = [];
  for (let c = 0; c < cols; c++) groups.push(table.map((_, r) => r * cols + c).filter((i) => flat[i] !== null));
  const out = suppressCells(
    flat,
    groups,
    (opts.mustHideColumns ?? []).map((c) => groups[c]!),
  );
  return table.map((_, r) => out.slice(r * cols, (r + 1) * cols));
}

export interface ReachSuppressed {
  deciles: ShownCount[];
  unknown: ShownCount;
  /** False when the shares must be withheld: they would give away how many have a known decile, and so a hidden unknown count. */
  sharesShown: boolean;
}

/**
 * Deciles 1–10 and the unknown count. Two groups: the deciles (their total follows from any shown
 * share) and the deciles with the unknown (the residents counted). When the unknown count is
 * hidden, the shares are withheld, since total − known-decile total would reveal it.
 */
export function suppressReach(deciles: readonly number[], unknown: number): ReachSuppressed {
  const values = [...deciles, unknown];
  const decileIdx = deciles.map((_, i) => i);
  const out = suppressCells(values, [decileIdx, [...decileIdx, deciles.length]]);
  const unknownShown = out[deciles.length]!;
  return { deciles: out.slice(0, deciles.length), unknown: unknownShown, sharesShown: unknownShown.value !== null };
}

/** "62%": the share of the previous count, or null when either is hidden or the previous is zero. */
export function conversion(count: ShownCount, previous: ShownCount): string | null {
  if (count.value === null || previous.value === null || previous.value === 0) return null;
  return `${Math.round((100 * count.value) / previous.value)}%`;
}

/** "23.4%" of a fraction. */
export function percent(fraction: number): string {
  return `${(Math.round(fraction * 1000) / 10).toFixed(1)}%`;
}
