/**
 * Chromium is heavy: each PDF launches a browser (a few hundred MB, a core for a second or more),
 * and the server shares its two cores with residents' turns. So report.pdf requests go through one
 * queue per process: one render at a time, at most `maxWaiting` more waiting, and beyond that a 503
 * with Retry-After ("busy, try again in a minute") rather than a pile of browsers.
 *
 * A rendered PDF is kept for a short while (`cacheMs`) under the caller's key (scope and month)
 * and the SHA-256 of the exact HTML printed. The HTML holds the scope's name and every figure, so
 * new data makes new HTML and a new PDF; and a cached PDF is only ever the print of byte-identical
 * HTML asked for under the same scope — never another scope's. The same PDF asked for while it is
 * being printed waits for that print rather than queueing another.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../errors.ts';

/** HTML to PDF (renderPdf.ts; a test double in tests, since Chromium is outside the process). */
export type RenderPdf = (pageHtml: string) => Promise<Buffer>;

export interface PdfQueueOptions {
  render: RenderPdf;
  /** Requests that may wait behind the one being printed; more are refused (503). Default 4. */
  maxWaiting?: number;
  /** How long a printed PDF is served again for the same key and HTML. Default 10 minutes; 0 keeps nothing. */
  cacheMs?: number;
  /** At most this many PDFs kept (the oldest goes first). Default 16. */
  cacheEntries?: number;
  /** Retry-After of the 503, in seconds. Default 60. */
  retryAfterSeconds?: number;
  now?: () => number;
}

export interface PdfQueue {
  /** The PDF of `pageHtml`, printed in turn or from the cache; `key` names the scope and month (never shared between scopes). */
  pdf(key: string, pageHtml: string): Promise<Buffer>;
  /** Renders under way (0 or 1) and waiting, for tests and logs. */
  readonly load: { active: number; waiting: number };
}

export function pdfQueue(o: PdfQueueOptions): PdfQueue {
  const maxWaiting = o.maxWaiting ?? 4;
  const cacheMs = o.cacheMs ?? 10 * 60_000;
  const cacheEntries = o.cacheEntries ?? 16;
  const retryAfter = o.retryAfterSeconds ?? 60;
  const now = o.now ?? Date.now;

  let active = false;
  const waiting: Array<() => void> = [];
  /** Kept PDFs by key, oldest first (Map keeps insertion order). */
  const cache = new Map<string, { pdf: Buffer; until: number }>();
  /** Prints queued or under way, by key: a second ask for the same PDF shares the first. */
  const pending = new Map<string, Promise<Buffer>>();

  /** Runs `fn` when the printer is free; refuses at once when the queue is full. */
  async function inTurn<T>(fn: () => Promise<T>): Promise<T> {
    if (active) {
      if (waiting.length >= maxWaiting) {
        throw new AppError('try_again', `PDFs are printed one at a time and ${waiting.length} are waiting: busy, try again in a minute (the printable HTML report works meanwhile)`, {
          headers: { 'Retry-After': String(retryAfter) },
        });
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      active = true;
    }
    try {
      return await fn();
    } finally {
      // Hand the printer straight to the next in line, or free it.
      const next = waiting.shift();
      if (next) next();
      else active = false;
    }
  }

  function keep(key: string, printed: Buffer): void {
    if (cacheMs <= 0) return;
    const at = now();
    for (const [k, v] of cache) if (v.until <= at) cache.delete(k);
    cache.delete(key);
    cache.set(key, { pdf: printed, until: at + cacheMs });
    while (cache.size > cacheEntries) cache.delete(cache.keys().next().value!);
  }

  async function pdf(key: string, pageHtml: string): Promise<Buffer> {
    const full = `${key}\n${createHash('sha256').update(pageHtml, 'utf8').digest('hex')}`;
    const kept = cache.get(full);
    if (kept && kept.until > now()) return kept.pdf;
    const already = pending.get(full);
    if (already) return already;
    const printing = inTurn(() => o.render(pageHtml));
    pending.set(full, printing);
    try {
      const printed = await printing;
      keep(full, printed);
      return printed;
    } finally {
      pending.delete(full);
    }
  }

  return {
    pdf,
    get load() {
      return { active: active ? 1 : 0, waiting: waiting.length };
    },
  };
}
