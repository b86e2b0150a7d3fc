import http from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { registry } from '../metrics.ts';

export interface ReadinessCheck {
  name: string;
  /** Resolves with detail when healthy; throws (or rejects) with the reason when not. */
  check(): Promise<string | Record<string, unknown>>;
  /** Informational checks appear in the detail but never make /readyz fail (e.g. "slack: off"). */
  optional?: boolean;
}

export interface ServerOptions {
  logger: Logger;
  bodyLimit: string;
  readiness: ReadinessCheck[];
  /** Routers mounted before the JSON body parser (they parse their own bodies, e.g. Slack's raw body). */
  rawRoutes?: Array<[string, RequestHandler | express.Router]>;
  routes?: Array<[string, RequestHandler | express.Router]>;
}

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

/** Maps any error to `{error:{code,message}}`; stack traces never leave the process. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
    let status = 500;
    let code = 'internal';
    let message = 'something went wrong';
    if (err instanceof AppError) {
      ({ status, code, message } = err);
    } else if (e?.type === 'entity.parse.failed') {
      status = 400;
      code = 'malformed_json';
      message = 'the request body is not valid JSON';
    } else if (e?.type === 'entity.too.large') {
      status = 413;
      code = 'body_too_large';
      message = 'the request body is too large';
    } else if (typeof (e?.status ?? e?.statusCode) === 'number' && (e.status ?? e.statusCode)! < 500) {
      status = (e.status ?? e.statusCode)!;
      code = 'bad_request';
      message = e.message ?? 'bad request';
    }
    if (status >= 500) logger.error({ err }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({ error: { code, message } });
  };
}

export function createApp(opts: ServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const detail: Record<string, unknown> = {};
    let ready = true;
    await Promise.all(
      opts.readiness.map(async (c) => {
        try {
          detail[c.name] = { ok: true, detail: await withTimeout(c.check(), CHECK_TIMEOUT_MS) };
        } catch (err) {
          detail[c.name] = { ok: false, reason: (err as Error).message };
          if (!c.optional) ready = false;
        }
      }),
    );
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: detail });
  });

  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });

  for (const [path, handler] of opts.rawRoutes ?? []) app.use(path, handler);
  app.use(express.json({ limit: opts.bodyLimit }));
  for (const [path, handler] of opts.routes ?? []) app.use(path, handler);

  app.use((_req, _res, next) => next(new AppError('not_found', 'no such route', 404)));
  app.use(errorHandler(opts.logger));
  return app;
}

export interface RunningServer {
  server: http.Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish (bounded by timeoutMs), then closes sockets. */
  close(timeoutMs: number): Promise<void>;
}

export async function listen(app: Express, port: number, host: string): Promise<RunningServer> {
  const server = http.createServer(app);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  return {
    server,
    port: actualPort,
    close: (timeoutMs) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
