import http from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { registry } from '../metrics.ts';
import { errorHandler } from './errorHandler.ts';
import { readBody } from './readBody.ts';

export interface ReadinessCheck {
  name: string;
  /** Resolves with detail when healthy; throws (or rejects) with the reason when not. */
  check(): Promise<string | Record<string, unknown>>;
  /** Informational checks appear in the detail but never make /readyz fail (e.g. "slack: off"). */
  optional?: boolean;
}

export interface ServerOptions {
  logger: Logger;
  /** BODY_LIMIT: every body is read once, at most this large (by the edge, or by a raw route with `readBody`). */
  bodyLimit: string;
  readiness: ReadinessCheck[];
  /** Express's `trust proxy` (TRUST_PROXY): which proxies may name the client; default loopback. */
  trustProxy?: boolean | number | string;
  /**
   * Routers mounted before the edge's body reader because they run it themselves, after headers
   * of their own (Direct Line: CORS on its error answers). They must read bodies with
   * `readBody` (src/http/readBody.ts) and the same limit; everything else goes in `routes`.
   */
  rawRoutes?: Array<[string, RequestHandler | express.Router]>;
  /** Routes after the edge: bodies arrive read (at most `bodyLimit`, raw bytes on `req.rawBody`) and JSON checked. */
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

export function createApp(opts: ServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Who may say who the client is (X-Forwarded-For): per-address limits key on it (TRUST_PROXY).
  app.set('trust proxy', opts.trustProxy ?? 'loopback');

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
  // The edge: every other body, on every route, is bounded and (JSON) checked here.
  app.use(readBody({ limit: opts.bodyLimit }));
  for (const [path, handler] of opts.routes ?? []) app.use(path, handler);

  app.use((_req, _res, next) => next(new AppError('not_found', 'no such route')));
  app.use(errorHandler(opts.logger));
  return app;
}

export interface RunningServer {
  server: http.Server;
  /** The Express application the server answers with (its routes can be listed). */
  app: Express;
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
    app,
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
