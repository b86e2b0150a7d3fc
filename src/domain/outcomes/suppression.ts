/**
 * Small-number suppression, as UK official statistics do it (issue 15, docs/outcomes.md). Pure:
 * counts in, shown counts out; loadOutcomes applies it before any caller sees a figure.
 *
 * - **Primary**: a count of 1–4 is shown as "<5" (0 is shown as 0: nobody is there to identify).
 * - **Complementary (secondary)**: in a *group* of cells whose sum is known — a breakdown column
 *   adds up to the funnel figure of its step, the deciles add up to the residents with a known
 *   decile — a single hidden cell could be worked out by subtraction. So no group is left with
 *   exactly one hidden cell: the smallest other **non-zero** cell is hidden too, marked "[c]"
 *   (hiding a 0 protects nothing: a hidden non-zero count is 5 or more, so the reader would know
 *   it is the 0), and this repeats until every group has none or at least two hidden cells. When
 *   a group has no other non-zero cell, its total is 1–4 (shown "<5" where it is printed) or given
 *   away by a bigger group less a cell outside it: that cell is hidden (the unknown-decile count,
 *   for the deciles). Every group's total is treated as known, even where the report does not
 *   print it, because another report (another filter) may.
 * - **Ranges**: "<5" is 1–4 and "[c]" is 5 or more, so hidden cells adding up to their smallest
 *   possible sum (each "<5" 1, each "[c]" 5), or "<5"s alone adding up to their largest (each 4),
 *   are each known. Such a group hides one more cell (a "[c]" over 5, for the smallest sum).
 * - Conversions and shares computed from a hidden count are not shown.
 *
 * What it does not defend against: a group at its smallest sum with no shown cell over 5 left to
 * hide (say a column "<5", 5, total 6): nothing inside the table can blur it. We accept that (as
 * ONS tables do); the property test checks derivation by subtraction and by these ranges.
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

export interface SuppressOptions {
  /** Groups that must hide at least one non-zero cell (their total is itself hidden elsewhere and would be given away). */
  mustHide?: ReadonlyArray<readonly number[]>;
  /** Cells never chosen to hide beside another (their value is shown elsewhere, so hiding them protects nothing). */
  neverSecondary?: ReadonlySet<number>;
  /** Cells hidden from the start (the same count is hidden elsewhere); a zero among them stays shown. */
  hidden?: ReadonlySet<number>;
}

/**
 * Primary and complementary suppression of a set of cells. `values[i]` is a count, or null when
 * not applicable (left out of every group). Each group lists cell indices whose sum is known.
 *
 * A group needs one more hidden cell when it has exactly one (subtraction gives it away), or when
 * its hidden cells' ranges pin them: every "<5" is 1–4 and every "[c]" 5 or more, so hidden cells
 * adding up to their smallest possible sum (all "<5" at 1, all "[c]" at 5), or "<5"s alone adding
 * up to their largest (all 4), are each known. The cell hidden is the smallest non-zero shown one
 * that ends it (a zero never: hiding it tells nothing, since a hidden non-zero would be 5 or more);
 * when the group has none, one outside it in a group that contains it (whose total, less that
 * cell, gives this group's total away).
 */
export function suppressCells(values: ReadonlyArray<number | null>, groups: ReadonlyArray<readonly number[]>, opts: SuppressOptions = {}): ShownCount[] {
  const { mustHide = [], neverSecondary = new Set<number>(), hidden: hiddenFromStart = new Set<number>() } = opts;
  const state: State[] = values.map((v, i) =>
    v === null ? 'na' : v >= 1 && v < SMALLEST_SHOWN ? 'primary' : hiddenFromStart.has(i) && v > 0 ? 'secondary' : 'shown',
  );
  const hidden = (i: number) => state[i] === 'primary' || state[i] === 'secondary';
  const candidates = (cells: readonly number[], above: number) =>
    cells.filter((i) => state[i] === 'shown' && !neverSecondary.has(i) && values[i]! > above).sort((a, b) => values[a]! - values[b]! || a - b);
  for (let changed = true; changed; ) {
    changed = false;
    for (const group of mustHide) {
      if (group.some(hidden)) continue;
      const pick = candidates(group, 0)[0];
      if (pick === undefined) continue;
      state[pick] = 'secondary';
      changed = true;
    }
    for (const group of groups) {
      const need = needsMore(group.filter(hidden), values, state);
      if (need === null) continue;
      const pick =
        candidates(group, need)[0] ??
        groups
          .filter((g) => g.length > group.length && group.every((i) => g.includes(i)))
          .flatMap((g) => candidates(g.filter((i) => !group.includes(i)), need))
          .sort((a, b) => values[a]! - values[b]! || a - b)[0];
      if (pick === undefined) continue; // nothing left to hide that would help (see the module comment)
      state[pick] = 'secondary';
      changed = true;
    }
  }
  return values.map((v, i) =>
    state[i] === 'na' ? notApplicable() : state[i] === 'primary' ? { value: null, shown: SUPPRESSED_MARK } : state[i] === 'secondary' ? { value: null, shown: SECONDARY_MARK } : shown(v!),
  );
}

/**
 * Whether a group's hidden cells can be worked out from its total, and if so the value a newly
 * hidden cell must exceed to stop it: null when they cannot (none or enough hidden); 0 when any
 * non-zero cell will do (one hidden; or "<5"s alone at their largest sum, which a "[c]" unbounds);
 * 5 when the hidden cells are at their smallest sum (a "[c]" of exactly 5 would keep them there).
 */
function needsMore(hiddenCells: number[], values: ReadonlyArray<number | null>, state: State[]): number | null {
  if (hiddenCells.length === 0) return null;
  if (hiddenCells.length === 1) return 0;
  const sum = hiddenCells.reduce((a, i) => a + values[i]!, 0);
  const primaries = hiddenCells.filter((i) => state[i] === 'primary').length;
  const smallest = primaries + (SMALLEST_SHOWN * (hiddenCells.length - primaries));
  if (sum === smallest) return SMALLEST_SHOWN;
  if (primaries === hiddenCells.length && sum === (SMALLEST_SHOWN - 1) * primaries) return 0;
  return null;
}

/**
 * A breakdown table (rows × steps): each step's column is a group (its rows add up to the
 * step's figure). `table[row][col]`; null cells are not applicable. `mustHideColumns`: columns
 * whose total is hidden elsewhere (decile-1 reach hidden: its routes' consented column would
 * give it away, and through it the other hidden deciles), so at least one of their non-zero
 * cells is hidden too — and then, by the rule above, a second. `hiddenCells` / `neverSecondaryCells`
 * ([row, col]): a cell that is the same count as one hidden / shown elsewhere (the wards' "not
 * known" consented cell is the reach's unknown-decile count).
 */
export function suppressTable(
  table: ReadonlyArray<ReadonlyArray<number | null>>,
  opts: { mustHideColumns?: readonly number[]; hiddenCells?: ReadonlyArray<readonly [number, number]>; neverSecondaryCells?: ReadonlyArray<readonly [number, number]> } = {},
): ShownCount[][] {
  const cols = table[0]?.length ?? 0;
  const flat = table.flat();
  const groups: number[][] = [];
  for (let c = 0; c < cols; c++) groups.push(table.map((_, r) => r * cols + c).filter((i) => flat[i] !== null));
  const at = (cells: ReadonlyArray<readonly [number, number]> | undefined) => new Set((cells ?? []).map(([r, c]) => r * cols + c));
  const out = suppressCells(flat, groups, {
    mustHide: (opts.mustHideColumns ?? []).map((c) => groups[c]!),
    hidden: at(opts.hiddenCells),
    neverSecondary: at(opts.neverSecondaryCells),
  });
  return table.map((_, r) => out.slice(r * cols, (r + 1) * cols));
}

export interface ReachSuppressed {
  deciles: ShownCount[];
  unknown: ShownCount;
  /** False when the shares must be withheld: they would give away how many have a known decile, and so a hidden unknown count. */
  sharesShown: boolean;
}

/**
 * Deciles 1–10 and the unknown count. Two groups: the deciles with the unknown (the residents
 * counted, the funnel's consented figure) and, while the unknown count is shown, the deciles alone
 * (their total is the residents counted less the unknown, and any shown share gives it away too).
 * When the unknown count is hidden — a "<5", or a "[c]" when the deciles have no non-zero cell
 * left to hide beside a lone "<5" — the shares are withheld, and the deciles' total is unknown.
 * The ward table's "not known" consented cell is the same count and follows it (loadOutcomes).
 */
export function suppressReach(deciles: readonly number[], unknown: number): ReachSuppressed {
  const values = [...deciles, unknown];
  const decileIdx = deciles.map((_, i) => i);
  const all = [...decileIdx, deciles.length];
  const unknownSmall = unknown >= 1 && unknown < SMALLEST_SHOWN;
  const out = suppressCells(values, unknownSmall ? [all] : [decileIdx, all]);
  const unknownShown = out[deciles.length]!;
  return { deciles: out.slice(0, deciles.length), unknown: unknownShown, sharesShown: unknownShown.value !== null };
}

const isSmall = (n: number) => n >= 1 && n < SMALLEST_SHOWN;

/**
 * "62%": of the residents at the previous step, the share who also reached this one. `both` (the
 * raw count of residents who reached both steps) is not shown; without it (started → consented:
 * starts are anonymous) the share is of the two counts, and not shown over 100%. Null when either
 * count is hidden, the previous is zero, or the share would give away a count of 1–4: the
 * residents who reached both, or (when not everyone at this step reached the previous one) those
 * at this step without the previous one, or those at the previous step who did not go on.
 */
export function conversion(count: ShownCount, previous: ShownCount, both?: number): string | null {
  if (count.value === null || previous.value === null || previous.value === 0) return null;
  const reached = both ?? count.value;
  if (reached > previous.value) return null;
  if (both !== undefined && both !== count.value && (isSmall(both) || isSmall(count.value - both) || isSmall(previous.value - both))) return null;
  return `${Math.round((100 * reached) / previous.value)}%`;
}

/** "23.4%" of a fraction. */
export function percent(fraction: number): string {
  return `${(Math.round(fraction * 1000) / 10).toFixed(1)}%`;
}
