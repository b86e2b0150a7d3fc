/**
 * Runs Microsoft's botframework-directlinejs in Node against our server: its browser
 * transports (XMLHttpRequest via rxjs ajax, the WebSocket global) are supplied here with
 * fetch and `ws`, which is all that differs from a browser.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DirectLine } from 'botframework-directlinejs';
import express from 'express';
import pino from 'pino';
import { Observable } from 'rxjs/Observable.js';
import { WebSocket } from 'ws';
import { createDirectLine, type DirectLine as DirectLineApi, type DirectLineOptions } from '../../../src/channels/web/directline/createDirectLine.ts';

// directlinejs decides between WebSocket and polling by `typeof WebSocket` (Node 20 has none).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

interface AjaxRequest {
  method?: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** rxjs-5 `Observable.ajax` over fetch: emits `{response, status}`, errors with `{status, xhr}` as rxjs does. */
export function fetchAjax(req: AjaxRequest): Observable<{ response: unknown; status: number }> {
  return Observable.create((subscriber: { next(v: unknown): void; error(e: unknown): void; complete(): void }) => {
    const controller = new AbortController();
    void (async () => {
      try {
        const res = await fetch(req.url, {
          method: req.method ?? 'GET',
          headers: req.headers ?? {},
          signal: controller.signal,
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        });
        const text = await res.text();
        const response: unknown = text ? JSON.parse(text) : null;
        if (res.ok) {
          subscriber.next({ response, status: res.status });
          subscriber.complete();
        } else {
          subscriber.error({ status: res.status, response, xhr: { getResponseHeader: (h: string) => res.headers.get(h) } });
        }
      } catch (err) {
        if (!controller.signal.aborted) subscriber.error({ status: 0, err });
      }
    })();
    return () => controller.abort();
  });
}

export const silentLogger = pino({ level: 'silent' });

export interface Served {
  base: string;
  domain: string;
  server: http.Server;
  /** Open streams and why streams were closed (createDirectLine's streamStats). */
  streamStats: DirectLineApi['streamStats'];
  close(): Promise<void>;
}

/**
 * Our Direct Line router in an Express app on a real port, as src/http/server.ts mounts it;
 * `mount` adds what else a test serves beside it (partner pages, the widget routes).
 */
export async function serveDirectLine(opts: DirectLineOptions, mount?: (app: express.Express) => void): Promise<Served> {
  const dl = createDirectLine(opts);
  const app = express();
  // As src/http/server.ts: X-Forwarded-For from this machine names the client (a proxy in front).
  app.set('trust proxy', 'loopback');
  mount?.(app);
  app.use('/v3/directline', dl.router);
  const server = http.createServer(app);
  dl.attachWebSocket(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    domain: `${base}/v3/directline`,
    server,
    streamStats: () => dl.streamStats(),
    async close() {
      await dl.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface Client {
  dl: DirectLine;
  activities: Array<Record<string, unknown> & { id?: string; type: string }>;
  waitFor(pred: (a: Client['activities'][number]) => boolean, what: string): Promise<Client['activities'][number]>;
  post(activity: Record<string, unknown>): Promise<string>;
  end(): void;
}

export function connect(options: Record<string, unknown>): Client {
  const dl = new DirectLine({ ajax: fetchAjax, WebSocket, ...options } as unknown as ConstructorParameters<typeof DirectLine>[0]);
  const activities: Client['activities'] = [];
  const sub = dl.activity$.subscribe((a) => activities.push(a as unknown as Client['activities'][number]));
  return {
    dl,
    activities,
    async waitFor(pred, what) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const found = activities.find(pred);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(activities.map((a) => a.text ?? a.type))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    post(activity) {
      return new Promise<string>((resolve, reject) => {
        dl.postActivity({ from: { id: 'ignored' }, ...activity } as Parameters<DirectLine['postActivity']>[0]).subscribe(resolve, reject);
      });
    },
    end() {
      sub.unsubscribe();
      dl.end();
    },
  };
}
