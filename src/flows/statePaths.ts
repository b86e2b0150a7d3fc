/** Every state path a stored snapshot value is in (`{ about: 'age' }` → `about.age`). */
export function statePathsOf(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, x]) => statePathsOf(x, `${prefix}${k}.`));
  return [];
}
