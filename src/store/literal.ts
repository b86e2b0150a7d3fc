/**
 * SQL literals for the multi-statement round trips the engine sends with the simple
 * query protocol (which takes no parameters). Every value goes through here.
 */
export class LiteralError extends Error {
  readonly code = 'sql_literal_invalid';
}

function quote(s: string): string {
  if (s.includes('\u0000')) throw new LiteralError('text contains a NUL character');
  // E'' form: backslashes and quotes escaped, independent of standard_conforming_strings.
  return `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new LiteralError('number is not finite');
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return `${quote(value.toISOString())}::timestamptz`;
  return `${quote(JSON.stringify(value))}::jsonb`;
}
