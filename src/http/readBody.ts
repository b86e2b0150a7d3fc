import express, { type Request, type RequestHandler } from 'express';
import { AppError } from '../errors.ts';
import { checkJson, MAX_JSON_DEPTH, textProblem } from './checkJson.ts';

export interface ReadBodyOptions {
  /** Largest body, as body-parser reads it ("64kb"); a larger one is refused with 413. */
  limit: string;
  maxDepth?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const done = new WeakSet<Request>();

function decode(buf: Buffer, what: string): string {
  try {
    return utf8.decode(buf);
  } catch (err) {
    throw new AppError('invalid_unicode', `${what} is not valid UTF-8`, { cause: err });
  }
}

function charsetOf(req: Request): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
}

function parseJson(buf: Buffer, maxDepth: number): unknown {
  // As body-parser's express.json: an empty body is {}, and only an object or array is accepted.
  if (buf.length === 0) return {};
  const text = decode(buf, 'the request body');
  const first = /\S/.exec(text)?.[0];
  let value: unknown;
  try {
    if (first !== '{' && first !== '[') throw new SyntaxError('not an object or array');
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('malformed_json', 'the request body is not valid JSON', { cause: err });
  }
  const problem = checkJson(value, maxDepth);
  if (problem) throw new AppError(problem.code, problem.message);
  return value;
}

/** application/x-www-form-urlencoded bytes of one name or value (given as latin1, one char a byte). */
function percentDecode(latin1: string): Buffer {
  return Buffer.from(
    latin1.replaceAll('+', ' ').replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  );
}

/**
 * Form fields (Slack's slash commands and interactive actions) checked like JSON text: each
 * name and value, percent-decoded, must be UTF-8 without NUL; a value that is itself JSON (Slack
 * puts an action's whole payload in one `payload` field) is checked as a JSON body.
 */
function checkForm(buf: Buffer, maxDepth: number): void {
  decode(buf, 'the request body');
  for (const pair of buf.toString('latin1').split('&')) {
    const eq = pair.indexOf('=');
    for (const part of eq < 0 ? [pair] : [pair.slice(0, eq), pair.slice(eq + 1)]) {
      const text = decode(percentDecode(part), 'a form field');
      const why = textProblem(text);
      if (why) throw new AppError('invalid_unicode', `a form field ${why}`);
      if (!/^\s*[[{]/.test(text)) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        continue;
      }
      const problem = checkJson(value, maxDepth);
      if (problem) throw new AppError(problem.code, `a form field: ${problem.message}`);
    }
  }
}

/**
 * The edge every route's body passes: reads it once, at most `limit` bytes (413 beyond, also for
 * routers that read bodies themselves: the raw bytes are left on `req.rawBody`, which Bolt's
 * receiver uses for Slack's signature instead of reading again). JSON bodies are decoded as strict
 * UTF-8, parsed and checked (no NUL, no lone surrogates, at most `maxDepth` levels) into
 * `req.body`; anything wrong is a 400 with a clear message, never a 5xx further in.
 * Running it twice on one request (app and router) reads and checks once.
 */
export function readBody(opts: ReadBodyOptions): RequestHandler {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  const raw = express.raw({ type: () => true, limit: opts.limit });
  return (req, res, next) => {
    if (done.has(req)) return next();
    raw(req, res, (err?: unknown) => {
      if (err) return next(err);
      done.add(req);
      const buf: unknown = req.body;
      if (!Buffer.isBuffer(buf)) return next();
      Object.assign(req, { rawBody: buf });
      req.body = undefined;
      try {
        const json = req.is(['application/json', 'application/*+json']);
        const form = !json && req.is('application/x-www-form-urlencoded');
        const charset = charsetOf(req);
        if ((json || form) && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
          throw new AppError('unsupported_media_type', `the request body must be UTF-8, not ${charset.slice(0, 40)}`);
        }
        if (json) req.body = parseJson(buf, maxDepth);
        else if (form) checkForm(buf, maxDepth);
        next();
      } catch (e) {
        next(e);
      }
    });
  };
}
