/**
 * Issue 15: the monthly report as PDF, rendered by Debian's Chromium (CHROMIUM_PATH) from the same
 * HTML as /admin/outcomes/report: over HTTP for the operator and a partner, and from the command
 * line (`anchorline outcomes report`). A PDF of one A4 page.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../../src/app.ts';
import { outcomesCommand } from '../../src/cli/outcomesCommand.ts';
import { loadConfig } from '../../src/config.ts';
import { loadOutcomes } from '../../src/domain/outcomes/loadOutcomes.ts';
import { createPartnerCredential } from '../../src/store/partnerCredentials.ts';
import { CHROMIUM } from '../helpers/chromium.ts';
import { silent } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { DECILE1_TOTAL, PIONEER, seedPopulation } from './dashboardPopulation.ts';

const OPERATOR = 'outcomes-report-Zr8Q2mV7xLp4KtN9wB3yH6cJ1fD';

/** Page objects of a PDF (`/Type /Page`, not `/Pages`): Chromium writes them uncompressed. */
const pagesOf = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;

describe('the monthly report as PDF', () => {
  let t: TestDb;
  let app: RunningApp;
  let base: string;
  let pioneer = '';

  beforeAll(async () => {
    t = await createTestDb();
    app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', ADMIN_TOKEN: OPERATOR, CHROMIUM_PATH: CHROMIUM }), { db: t.db, logger: silent, workers: false });
    base = `http://127.0.0.1:${app.server.port}`;
    await seedPopulation(t.db, new Date('2026-10-01T00:00:00Z'));
    const c = await createPartnerCredential(t.db, { partnerId: 'pioneer-housing', label: 'report test' });
    if (c.type !== 'created') throw new Error('no credential');
    pioneer = c.token;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('GET /admin/outcomes/report.pdf is a one-page PDF, for the network and for a partner', { timeout: 90_000 }, async () => {
    for (const token of [OPERATOR, pioneer]) {
      const res = await fetch(`${base}/admin/outcomes/report.pdf?month=2026-10`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const pdf = Buffer.from(await res.arrayBuffer());
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pagesOf(pdf)).toBe(1);
    }
    const partner = await fetch(`${base}/admin/outcomes/report.pdf?month=2026-10`, { headers: { authorization: `Bearer ${pioneer}` } });
    expect(partner.headers.get('content-disposition')).toBe('attachment; filename="outcomes-pioneer-housing-2026-10.pdf"');
  });

  it('anchorline outcomes report writes the same report as PDF or HTML, for the network or one partner', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outcomes-report-'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { withDb: <T>(fn: (db: typeof t.db) => Promise<T>) => fn(t.db), load: loadOutcomes, chromiumPath: CHROMIUM, out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await outcomesCommand(['report', '--month', '2026-10', '--out', path.join(dir, 'network.pdf')], io)).toBe(0);
    const pdf = readFileSync(path.join(dir, 'network.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pagesOf(pdf)).toBe(1);
    expect(await outcomesCommand(['report', '--month', '2026-10', '--partner', 'pioneer-housing', '--out', path.join(dir, 'pioneer.html')], io)).toBe(0);
    const page = readFileSync(path.join(dir, 'pioneer.html'), 'utf8');
    expect(page).toContain('Pioneer Group');
    expect(page).toContain(`<tr><th scope="row">${PIONEER.label}</th><td>${DECILE1_TOTAL}</td>`);
    expect(out).toEqual([`wrote ${path.join(dir, 'network.pdf')} (the whole network, 2026-10)`, `wrote ${path.join(dir, 'pioneer.html')} (partner pioneer-housing, 2026-10)`]);

    expect(await outcomesCommand(['report', '--month', '2026-13', '--out', 'x.pdf'], io)).toBe(2);
    expect(err.join('\n')).toContain('--month: a month such as 2026-10');
    expect(await outcomesCommand(['report', '--month', '2026-10', '--out', 'x.docx'], io)).toBe(2);
    expect(await outcomesCommand(['report', '--month', '2026-10', '--partner', 'nobody', '--out', path.join(dir, 'x.html')], io)).toBe(1);
    expect(await outcomesCommand(['report', '--month', '2026-10', '--out', path.join(dir, 'y.pdf')], { ...io, chromiumPath: '/nonexistent/chromium' })).toBe(1);
    expect(err.join('\n')).toContain('PDF export needs Chromium at /nonexistent/chromium');
  });
});
