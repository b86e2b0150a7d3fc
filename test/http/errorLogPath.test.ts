/**
 * A one-time link to a resident's data is a key: the error log names the route, never the link's
 * secret — for an error inside the route (a 5xx, logged at error level) and for a path no route took.
 */
import express from 'express';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/http/errorHandler.ts';

const SECRET = 'Qx9_Zk-3aB7cD0eF1gH2iJ3kL4mN5oP6qR7sT8uV9wX';

describe('the error log and data links', () => {
  it('logs the route pattern or a masked path, never the secret', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
    const app = express();
    const privacy = express.Router();
    privacy.post('/export/:token', () => {
      throw new Error('database went away');
    });
    app.use('/privacy', privacy);
    app.use((req, _res, next) => next(Object.assign(new Error('no route'), { status: 404 })));
    app.use(errorHandler(logger));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect((await fetch(`${base}/privacy/export/${SECRET}`, { method: 'POST' })).status).toBe(500);
      expect((await fetch(`${base}/privacy/export/${SECRET}/extra`)).status).toBeGreaterThanOrEqual(400);
    } finally {
      server.close();
    }
    const logged = lines.map((l) => JSON.parse(l) as { path?: string; msg: string });
    expect(logged.map((l) => l.path)).toEqual(['/privacy/export/:token', '/privacy/export/:token/extra']);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});
