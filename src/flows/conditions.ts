import type { Condition, Scalar } from './schema.ts';

export type Data = Record<string, unknown>;

/** Reads `a.b.c` from the answers and results. */
export function getPath(data: Data, path: string): unknown {
  let cur: unknown = data;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Pure evaluation of the declarative condition language (no eval, no code in YAML). */
export function evaluate(c: Condition, data: Data): boolean {
  if ('equals' in c) return getPath(data, c.equals[0]) === c.equals[1];
  if ('in' in c) return (c.in[1] as unknown[]).includes(getPath(data, c.in[0]) as Scalar);
  if ('lt' in c) {
    const v = num(getPath(data, c.lt[0]));
    return v !== undefined && v < c.lt[1];
  }
  if ('gt' in c) {
    const v = num(getPath(data, c.gt[0]));
    return v !== undefined && v > c.gt[1];
  }
  if ('between' in c) {
    const v = num(getPath(data, c.between[0]));
    return v !== undefined && v >= c.between[1] && v <= c.between[2];
  }
  if ('isSet' in c) {
    const v = getPath(data, c.isSet);
    return v !== undefined && v !== null && v !== '';
  }
  if ('all' in c) return c.all.every((x) => evaluate(x, data));
  if ('any' in c) return c.any.some((x) => evaluate(x, data));
  return !evaluate(c.not, data);
}

/** Paths a condition reads (the checker uses it). */
export function conditionPaths(c: Condition): string[] {
  if ('equals' in c) return [c.equals[0]];
  if ('in' in c) return [c.in[0]];
  if ('lt' in c) return [c.lt[0]];
  if ('gt' in c) return [c.gt[0]];
  if ('between' in c) return [c.between[0]];
  if ('isSet' in c) return [c.isSet];
  if ('all' in c) return c.all.flatMap(conditionPaths);
  if ('any' in c) return c.any.flatMap(conditionPaths);
  return conditionPaths(c.not);
}

/** Resolves `$name` references in call parameters and say parameters. */
export function resolveParams(params: Record<string, unknown> | undefined, data: Data): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    out[k] = typeof v === 'string' && v.startsWith('$') ? getPath(data, v.slice(1)) : v;
  }
  return out;
}
