/**
 * What a translation must carry over from the English unchanged: i18next interpolations
 * (`{{count}}`), nesting (`$t(key)`), Web Chat's positional arguments (`$1`) and bracketed
 * markers (`[RETRY]`).
 */
const PLACEHOLDER = /\{\{\s*[^{}]*?\s*\}\}|\$t\([^)]*\)|\$\d+|\[[A-Z][A-Z0-9_]*\]/g;

/** The placeholders of a text (or every item of a list), normalised (`{{ x }}` → `{{x}}`) and sorted, repeats kept. */
export function placeholders(text: string | readonly string[]): string[] {
  return [text]
    .flat()
    .flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[0].replace(/^\{\{\s*(.*?)\s*\}\}$/, '{{$1}}')))
    .sort();
}

/**
 * Why a translation's placeholders do not fit its English (undefined when they do). A plural
 * form may leave out `{{count}}` (Arabic's "one week" and "two weeks" name no number) and may
 * use it where the English form does not (English `_one` says "tomorrow").
 */
export function placeholderProblem(english: string | readonly string[], target: string | readonly string[], plural: boolean): string | undefined {
  const ignore = (p: string) => plural && p === '{{count}}';
  const want = [...new Set(placeholders(english).filter((p) => !ignore(p)))].sort();
  const have = [...new Set(placeholders(target).filter((p) => !ignore(p)))].sort();
  const missing = want.filter((p) => !have.includes(p));
  const extra = have.filter((p) => !want.includes(p));
  if (!missing.length && !extra.length) return undefined;
  return [missing.length ? `missing ${missing.join(' ')}` : '', extra.length ? `not in the English ${extra.join(' ')}` : ''].filter(Boolean).join('; ');
}
