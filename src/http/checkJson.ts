/** Deepest JSON nesting any route accepts: an activity or admin body needs well under ten levels. */
export const MAX_JSON_DEPTH = 32;

export interface JsonProblem {
  code: 'invalid_unicode' | 'json_too_deep';
  message: string;
}

// With the `u` flag a well-formed surrogate pair is one code point, so `\p{Cs}` matches only a
// lone surrogate (a `"\ud800"` escape in JSON); PostgreSQL refuses both it and NUL in text and jsonb.
const UNSAFE_TEXT = /[\0\p{Cs}]/u;

/** Why a string cannot be stored as text, or undefined when it can. */
export function textProblem(s: string): string | undefined {
  const m = UNSAFE_TEXT.exec(s);
  if (!m) return undefined;
  return m[0] === '\0' ? 'contains U+0000 (NUL)' : 'contains a lone surrogate (not valid Unicode)';
}

function walk(value: unknown, depth: number, maxDepth: number): { problem: JsonProblem; path: string[] } | undefined {
  if (typeof value === 'string') {
    const why = textProblem(value);
    return why ? { problem: { code: 'invalid_unicode', message: why }, path: [] } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= maxDepth) return { problem: { code: 'json_too_deep', message: `is nested more than ${maxDepth} levels deep` }, path: [] };
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    if (!Array.isArray(value)) {
      const why = textProblem(key);
      if (why) return { problem: { code: 'invalid_unicode', message: `has a key that ${why}` }, path: [] };
    }
    const found = walk(child, depth + 1, maxDepth);
    if (found) return { problem: found.problem, path: [Array.isArray(value) ? key : `.${JSON.stringify(key.slice(0, 40)).slice(1, -1)}`, ...found.path] };
  }
  return undefined;
}

/**
 * Checks a parsed JSON value before any route sees it: no string (value or key) may hold NUL or a
 * lone surrogate, and nesting stops at `maxDepth`. The message names where, as a JSON path.
 *
 * @example
 * checkJson(JSON.parse('{"text":"a\\u0000"}'))
 * // → { code: 'invalid_unicode', message: 'the JSON text at $.text contains U+0000 (NUL)' }
 */
export function checkJson(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | undefined {
  const found = walk(value, 0, maxDepth);
  if (!found) return undefined;
  const where = `$${found.path.join('')}`;
  return found.problem.code === 'json_too_deep'
    ? { code: 'json_too_deep', message: `the JSON ${found.problem.message} (at ${where})` }
    : { code: 'invalid_unicode', message: `the JSON text at ${where} ${found.problem.message}` };
}
