const BASE = 'http://studio.invalid';

/**
 * Where to go after signing in: a path of this site under /studio, or /studio. Anything that a
 * browser could read as another site (`//evil.example`, `https://…`, `/\evil`, encoded tricks)
 * or that leaves /studio after normalising (`/studio/../x`) lands on /studio: no open redirect.
 */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || /[\\\p{Cc}\s]/u.test(next)) return '/studio';
  let u: URL;
  try {
    u = new URL(next, BASE);
  } catch {
    return '/studio';
  }
  if (u.origin !== BASE) return '/studio';
  if (u.pathname !== '/studio' && !u.pathname.startsWith('/studio/')) return '/studio';
  return `${u.pathname}${u.search}`;
}
