/**
 * Issue 15, review: report.pdf launches Chromium, so PDFs are printed one at a time per process,
 * with at most 4 waiting (more: 503 with Retry-After), and a short cache keyed by scope, month and
 * the exact page. Chromium is outside the process, so these tests print with a slow test double;
 * the real printer is tested in report.browser.test.ts.
 */
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOutcomes } from '../../src/domain/outcomes/loadOutcomes.ts';
import { errorHandler } from '../../src/http/errorHandler.ts';
import { outcomesRoutes } from '../../src/http/outcomes/outcomesRoutes.ts';
import { pdfQueue } from '../../src/http/outcomes/pdfQueue.ts';
import { createPartnerCredential } from '../../src/store/partnerCredentials.ts';
import { silent } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { seedPopulation } from './dashboardPopulation.ts';

/** A printer that holds every print until `release()`, counting prints and how many ran at once. */
function slowPrinter() {
  const printed: string[] = [];
  let running = 0;
  let gate: { promise: Promise<void>; open: () => void } = newGate();
  function newGate() {
    let open = () => {};
    const promise = new Promise<void>((resolve) => (open = resolve));
    return { promise, open };
  }
  const p = {
    printed,
    maxAtOnce: 0,
    running: () => running,
    release() {
      gate.open();
      gate = newGate();
    },
    async render(page: string): Promise<Buffer> {
      running++;
      p.maxAtOnce = Math.max(p.maxAtOnce, running);
      try {
        await gate.promise;
        printed.push(page);
        return Buffer.from(`%PDF-fake ${page}`);
      } finally {
        running--;
      }
    },
  };
  return p;
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('the PDF queue', () => {
  it('prints one at a time, lets 4 wait, and refuses the next with 503 and Retry-After', async () => {
    const printer = slowPrinter();
    const q = pdfQueue({ render: (h) => printer.render(h) });
    const asked = [1, 2, 3, 4, 5].map((i) => q.pdf('network 2026-10', `<p>${i}</p>`));
    await settle();
    expect(q.load).toEqual({ active: 1, waiting: 4 });
    await expect(q.pdf('network 2026-10', '<p>6</p>')).rejects.toMatchObject({ code: 'try_again', status: 503, headers: { 'Retry-After': '60' } });
    for (let i = 0; i < 5; i++) {
      printer.release();
      await settle();
    }
    expect((await Promise.all(asked)).map(String)).toEqual([1, 2, 3, 4, 5].map((i) => `%PDF-fake <p>${i}</p>`));
    expect(printer.maxAtOnce).toBe(1);
    expect(q.load).toEqual({ active: 0, waiting: 0 });
  });

  it('keeps a print for the same scope, month and page only, for a while; another scope is printed anew', async () => {
    const printer = { printed: [] as string[] };
    let clock = 0;
    const q = pdfQueue({ render: async (h) => (printer.printed.push(h), Buffer.from(`%PDF-fake ${printer.printed.length}`)), cacheMs: 60_000, now: () => clock });
    const first = await q.pdf('partner:pioneer-housing 2026-10', '<p>Pioneer</p>');
    expect(await q.pdf('partner:pioneer-housing 2026-10', '<p>Pioneer</p>')).toBe(first);
    expect(printer.printed).toHaveLength(1);
    // The same page under another scope's key, a changed page (new data), another month: printed again.
    await q.pdf('partner:bchc 2026-10', '<p>Pioneer</p>');
    await q.pdf('partner:pioneer-housing 2026-10', '<p>Pioneer, with new figures</p>');
    await q.pdf('partner:pioneer-housing 2026-09', '<p>Pioneer</p>');
    expect(printer.printed).toHaveLength(4);
    // Past its time, printed again.
    clock += 60_001;
    await q.pdf('partner:pioneer-housing 2026-10', '<p>Pioneer</p>');
    expect(printer.printed).toHaveLength(5);
  });

  it('the same PDF asked for twice while printing is printed once; a failed print is not kept and frees the printer', async () => {
    const printer = slowPrinter();
    let fail = true;
    const q = pdfQueue({
      render: async (h) => {
        if (fail) throw new Error('chromium crashed');
        return printer.render(h);
      },
    });
    await expect(q.pdf('network 2026-10', '<p>x</p>')).rejects.toThrow('chromium crashed');
    expect(q.load).toEqual({ active: 0, waiting: 0 });
    fail = false;
    const a = q.pdf('network 2026-10', '<p>x</p>');
    const b = q.pdf('network 2026-10', '<p>x</p>');
    await settle();
    expect(q.load).toEqual({ active: 1, waiting: 0 });
    printer.release();
    expect(String(await a)).toBe(String(await b));
    expect(printer.printed).toHaveLength(1);
  });
});

describe('GET /admin/outcomes/report.pdf goes through the queue', () => {
  let t: TestDb;
  let server: http.Server;
  let base: string;
  const printer = slowPrinter();
  const OPERATOR = 'pdf-queue-operator-Zr8Q2mV7xLp4KtN9wB3yH6cJ1fD';
  let pioneer = '';
  let bchc = '';

  beforeAll(async () => {
    t = await createTestDb();
    await seedPopulation(t.db, new Date('2026-10-01T00:00:00Z'));
    const mint = async (partnerId: string) => {
      const c = await createPartnerCredential(t.db, { partnerId, label: 'pdf queue test' });
      if (c.type !== 'created') throw new Error(`no partner ${partnerId}`);
      return c.token;
    };
    pioneer = await mint('pioneer-housing');
    bchc = await mint('bchc');
    const app = express();
    app.use(
      '/admin',
      outcomesRoutes({ db: t.db, load: (scope, filters) => loadOutcomes(t.db, scope, filters), adminToken: OPERATOR, publicUrl: 'https://chat.anchorline.test', chromiumPath: '/nonexistent', logger: silent, renderPdf: (h) => printer.render(h) }),
    );
    app.use(errorHandler(silent));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.close();
  });

  const pdf = (month: string, token: string) => fetch(`${base}/admin/outcomes/report.pdf?month=${month}`, { headers: { authorization: `Bearer ${token}` } });

  it('ten PDFs at once: one Chromium at a time, four wait, the rest are told to come back in a minute', async () => {
    const months = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
    const refused: Response[] = [];
    const asked = months.map((m) => pdf(m, OPERATOR).then((r) => (refused.push(r), r)));
    // Five are taken (one printing, four waiting); the other five are answered while the first still prints.
    for (let i = 0; i < 500 && refused.length < 5; i++) await settle();
    expect(printer.printed).toHaveLength(0);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('60');
      expect(((await r.json()) as { error: { message: string } }).error.message).toContain('try again in a minute');
    }
    while (printer.printed.length < 5) {
      printer.release();
      await settle();
    }
    const answered = await Promise.all(asked);
    expect(answered.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 503, 503, 503, 503, 503]);
    expect(printer.maxAtOnce).toBe(1);
  }, 30_000);

  it("a partner's PDF is kept for that partner only: another partner asking for the same month gets its own", async () => {
    const before = printer.printed.length;
    const release = setInterval(() => printer.release(), 5);
    try {
      const first = Buffer.from(await (await pdf('2026-10', pioneer)).arrayBuffer()).toString();
      const again = Buffer.from(await (await pdf('2026-10', pioneer)).arrayBuffer()).toString();
      expect(again).toBe(first);
      expect(printer.printed.length).toBe(before + 1);
      const theirs = await pdf('2026-10', bchc);
      expect(theirs.status).toBe(200);
      const text = Buffer.from(await theirs.arrayBuffer()).toString();
      expect(printer.printed.length).toBe(before + 2);
      expect(text).not.toBe(first);
      expect(text).toContain('Birmingham Community Healthcare');
      expect(text).not.toContain('Pioneer');
    } finally {
      clearInterval(release);
    }
  });
});
