import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors.ts';

/** Slack ids (`T…`, `E…`, `U…`): never an Object.prototype name Bolt would look up by accident. */
const slackId = z.string().regex(/^[A-Z0-9]{1,40}$/, 'not a Slack id');

/**
 * The parts of a Slack request Bolt reads without checking (it answers 500 on these otherwise):
 * an event callback's `event` must be an object with a type; an interactive payload must be an
 * object with a type, a user, and for block actions a list of actions. Anything else passes to
 * Bolt unchanged (signature checks, url_verification, retries).
 */
const eventEnvelope = z.looseObject({
  type: z.string(),
  team_id: slackId.optional(),
  enterprise_id: slackId.optional(),
  event: z.looseObject({ type: z.string() }).optional(),
  authorizations: z.array(z.looseObject({ team_id: slackId.nullable().optional(), enterprise_id: slackId.nullable().optional() })).optional(),
}).refine((b) => b.type !== 'event_callback' || b.event !== undefined, { message: 'an event_callback needs an event', path: ['event'] });

const interactivePayload = z
  .looseObject({
    type: z.string(),
    team: z.looseObject({ id: slackId }).nullable().optional(),
    enterprise: z.looseObject({ id: slackId }).nullable().optional(),
    user: z.looseObject({ id: slackId, team_id: slackId.optional() }).optional(),
    actions: z.array(z.looseObject({ action_id: z.string().optional() })).optional(),
  })
  .refine((p) => p.type !== 'block_actions' || (p.user !== undefined && p.actions !== undefined), { message: 'block_actions needs a user and actions' });

const slashCommand = z.looseObject({ command: z.string(), team_id: slackId, user_id: slackId });

function problem(r: { success: boolean; error?: z.ZodError }): string | undefined {
  return r.success ? undefined : r.error?.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

/** Slack's window: a request signed further than this from our clock, either way, is refused. */
export const REQUEST_WINDOW_SECONDS = 5 * 60;

/**
 * `X-Slack-Request-Timestamp` within five minutes of now, past or future (Bolt refuses only old
 * ones, so a captured request stamped ahead would be accepted for as long as the stamp allows).
 * Undefined when fine or absent (Bolt refuses a request without its signature headers).
 */
function timestampRefusal(header: string | string[] | undefined, nowMs: number): AppError | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  const seconds = /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(seconds)) return new AppError('unauthorized', 'the Slack request timestamp is not a number of seconds');
  if (Math.abs(nowMs / 1000 - seconds) > REQUEST_WINDOW_SECONDS) return new AppError('unauthorized', 'the Slack request timestamp is more than five minutes from now');
  return undefined;
}

/**
 * Checks a Slack request before Bolt acts on it: its timestamp (401 outside the window) and the
 * shape of its body (the edge has already bounded and Unicode-checked it; 400 when Bolt could not
 * handle it).
 */
export function slackEnvelope(path: string, clockMs: () => number = Date.now): RequestHandler {
  const router = express.Router();
  router.post(path, (req, _res, next) => {
    const stale = timestampRefusal(req.headers['x-slack-request-timestamp'], clockMs());
    if (stale) return next(stale);
    const raw = (req as { rawBody?: Buffer }).rawBody;
    if (!raw) return next();
    const text = raw.toString('utf8');
    let why: string | undefined;
    if (req.is('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(text);
      const payload = form.get('payload');
      if (payload !== null) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(payload);
        } catch {
          return next(new AppError('malformed_json', 'the payload field is not valid JSON'));
        }
        why = problem(interactivePayload.safeParse(parsed));
      } else if (form.has('command')) {
        why = problem(slashCommand.safeParse(Object.fromEntries(form)));
      }
    } else {
      // Bolt reads any other body as JSON, whatever its content type (the edge has parsed a JSON
      // one into req.body already). An empty one is Bolt's to refuse.
      let parsed: unknown = req.body;
      if (parsed === undefined) {
        if (!text.trim()) return next();
        try {
          parsed = JSON.parse(text);
        } catch {
          return next(new AppError('malformed_json', 'the request body is not valid JSON'));
        }
      }
      why = problem(eventEnvelope.safeParse(parsed));
    }
    return next(why ? new AppError('bad_request', `not a Slack request Anchorline can handle: ${why}`) : undefined);
  });
  return router;
}
