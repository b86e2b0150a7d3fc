import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from 'pino';
import { type AppError, toAppError } from '../errors.ts';

/**
 * The path as a log may show it: the whole path (without the query), a one-time export link's
 * secret hidden (a logged link would open a resident's data to whoever reads the log).
 */
export function loggablePath(req: Request): string {
  const path = (req.originalUrl || req.url).split('?')[0] ?? '';
  return path.replace(/(\/privacy\/export\/)[^/]+/, '$1:token');
}

/** One line per failed request: server faults as errors with their cause, refusals at debug. */
export function logRequestError(logger: Logger, req: Request, e: AppError): void {
  const path = loggablePath(req);
  // The cause goes through the logger's err serializer: a database error by its code, never its values.
  if (e.status >= 500) logger.error({ err: e.cause ?? e, code: e.code, method: req.method, path }, 'request failed');
  else logger.debug({ code: e.code, method: req.method, path }, 'request refused');
}

/**
 * The one `onError` (hono's model): any error as `{ error: { code, message } }` with the status
 * of its code in `errorStatus`. Stack traces and causes go to the log, never to the caller.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const e = toAppError(err);
    logRequestError(logger, req, e);
    // Too late for an answer of our own: Express's final handler closes the connection.
    if (res.headersSent) return next(err);
    res.set(e.headers).status(e.status).json(e.toBody());
  };
}
