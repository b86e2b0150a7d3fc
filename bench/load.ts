import type { System } from './anchorline.ts';
import { SCRIPT } from './script.ts';

export interface LoadResult {
  turns: number;
  errors: number;
  /** First wrong answer seen, for the report. */
  firstError?: string;
  wallMs: number;
  latenciesMs: Float64Array;
}

const now = () => performance.now();

/** Checks one turn's replies against the script; returns a reason when they are wrong. */
export function checkReplies(texts: string[], i: number): string | undefined {
  const s = SCRIPT[i]!;
  if (texts.length !== s.replies) return `turn ${i + 1}: ${texts.length} replies, expected ${s.replies} (${JSON.stringify(texts)})`;
  if (!texts[texts.length - 1]!.includes(s.expect)) return `turn ${i + 1}: last reply lacks "${s.expect}" (${JSON.stringify(texts)})`;
  return undefined;
}

/**
 * Closed loop: `concurrency` residents, each running whole conversations back to back
 * (no think time) until `conversations` are done. Latency is from calling the system
 * to its replies, so it includes waiting for a connection or the PGlite queue.
 * With `maxMs`, no turn starts after that time (conversations are left where they are).
 */
export async function closedLoop(system: System, opts: { concurrency: number; conversations: number; prefix: string; maxMs?: number | undefined }): Promise<LoadResult> {
  const deadline = opts.maxMs ? now() + opts.maxMs : Number.POSITIVE_INFINITY;
  const lat = new Float64Array(opts.conversations * SCRIPT.length);
  let k = 0;
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < opts.conversations && now() < deadline) {
      const id = `${opts.prefix}-${next++}`;
      for (let i = 0; i < SCRIPT.length && now() < deadline; i++) {
        const t0 = now();
        let problem: string | undefined;
        try {
          problem = checkReplies(await system.turn(id, SCRIPT[i]!, i), i);
        } catch (err) {
          problem = `turn ${i + 1}: threw ${(err as Error).message}`;
        }
        lat[k++] = now() - t0;
        if (problem) {
          errors++;
          firstError ??= `${system.name} ${id} ${problem}`;
        }
      }
      system.forget(id);
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.conversations) }, worker));
  const wallMs = now() - t0;
  return { turns: k, errors, ...(firstError ? { firstError } : {}), wallMs, latenciesMs: lat.subarray(0, k) };
}

/**
 * Open loop: `residents` conversations at once, each sending its next message a
 * random think time after the previous reply (mean `thinkMs`), as people do.
 * No turn starts after `durationMs` (conversations are left where they are).
 */
export async function paced(system: System, opts: { residents: number; thinkMs: number; prefix: string; durationMs: number }): Promise<LoadResult> {
  const deadline = now() + opts.durationMs;
  const lat = new Float64Array(opts.residents * SCRIPT.length);
  let k = 0;
  let errors = 0;
  let firstError: string | undefined;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const resident = async (n: number) => {
    const id = `${opts.prefix}-${n}`;
    // Spread the starts over one think time so they do not all arrive together.
    await sleep(Math.random() * opts.thinkMs);
    for (let i = 0; i < SCRIPT.length && now() < deadline; i++) {
      const t0 = now();
      let problem: string | undefined;
      try {
        problem = checkReplies(await system.turn(id, SCRIPT[i]!, i), i);
      } catch (err) {
        problem = `turn ${i + 1}: threw ${(err as Error).message}`;
      }
      lat[k++] = now() - t0;
      if (problem) {
        errors++;
        firstError ??= `${system.name} ${id} ${problem}`;
      }
      await sleep(opts.thinkMs * (0.5 + Math.random()));
    }
    system.forget(id);
  };
  const t0 = now();
  await Promise.all(Array.from({ length: opts.residents }, (_, n) => resident(n)));
  return { turns: k, errors, ...(firstError ? { firstError } : {}), wallMs: now() - t0, latenciesMs: lat.subarray(0, k) };
}
