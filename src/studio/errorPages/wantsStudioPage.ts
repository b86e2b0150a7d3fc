import type { Request } from 'express';

/**
 * Whether a failed studio request should be answered with a page rather than JSON: it is not
 * under /studio/api, and the client prefers HTML (a browser's navigation or form post sends
 * `Accept: text/html,…`; `fetch` and command-line clients send `*\/*`, which keeps JSON).
 */
export function wantsStudioPage(req: Request): boolean {
  const path = (req.originalUrl || req.url).split('?')[0] ?? '';
  if (!/^\/studio(\/|$)/.test(path) || /^\/studio\/api(\/|$)/.test(path)) return false;
  return req.accepts(['json', 'html']) === 'html';
}
