/**
 * True for errors the database raises because of the values written (SQLSTATE classes 22,
 * data exception, and 23, integrity constraint violation), as opposed to a connection or
 * server fault.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
