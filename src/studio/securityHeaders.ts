import type { RequestHandler } from 'express';

/**
 * The studio's Content-Security-Policy: its own scripts only; inline styles because Mermaid and
 * CodeMirror write them; no framing (clickjacking), no plugins, forms post to the studio only.
 */
export const STUDIO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Sets the studio's security headers on every /studio response (pages, forms, errors, JSON);
 * a route that needs another policy (the preview's Web Chat) sets its own over it.
 */
export const studioSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Content-Security-Policy': STUDIO_CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
  next();
};
