/**
 * The attendance pages in Debian's Chromium: axe-core finds no violations on the list, the
 * register a coordinator marks, the register a viewer reads and a refused save; a coordinator marks
 * the register with the keyboard and sees it saved; screenshots in test/artifacts/studio-attendance-*.png.
 */
import { mkdirSync } from 'node:fs';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listen, type RunningServer } from '../../src/http/server.ts';
import { attendanceRoutes } from '../../src/studio/attendance/attendanceRoutes.ts';
import { studioPages } from '../../src/studio/pages/studioPages.ts';
import { answerAttendance } from '../../src/domain/outcomes/attendance.ts';
import { axeViolations } from '../helpers/axe.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { bookedSession, consentingResidents, END, markOf } from '../outcomes/attendanceFixture.ts';
import { headerGuard, type AuditEntry } from './data/studioDataFixture.ts';

const ARTIFACTS = 'test/artifacts';
const NOW = new Date('2027-01-12T12:00:00Z');
/** An hour after the session ended: when the resident is asked, and answers. */
const AFTER = new Date(END.getTime() + 3600_000);

describe('attendance pages in Chromium', () => {
  let t: TestDb;
  let server: RunningServer;
  let browser: Browser;
  let base: string;
  let booked: number[];
  const audits: AuditEntry[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestDb();
    const people = await consentingResidents(t.db, 'ax', 3);
    booked = await bookedSession(t.db, 'ax', people);
    await t.db.transaction((tx) => answerAttendance(tx, people[2]!, false, AFTER));
    const logger = pino({ level: 'silent' });
    const guard = headerGuard(audits);
    const app = createApp({
      logger,
      bodyLimit: '64kb',
      readiness: [],
      routes: [
        ['/studio/attendance', attendanceRoutes({ db: t.db, guard, now: () => NOW })],
        ['/studio', studioPages({ guard, logger, dev: false })],
      ],
    });
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}/studio/attendance`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close(1000);
    await t?.close();
  });

  async function open(role: string, path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { 'x-test-role': role } });
    const page = await context.newPage();
    const res = await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
    expect(res?.status()).toBe(200);
    return page;
  }

  it('the list of sessions and a viewer\'s register: no axe violations', async () => {
    const list = await open('viewer', '/');
    expect(await list.locator('h1').innerText()).toBe('Attendance');
    expect(await axeViolations(list)).toEqual([]);
    await list.screenshot({ path: `${ARTIFACTS}/studio-attendance-list.png`, fullPage: true });
    const register = await open('viewer', '/ax');
    expect(await register.locator('form[action="/studio/attendance/ax"]').count()).toBe(0);
    expect(await axeViolations(register)).toEqual([]);
    await register.context().close();
    await list.context().close();
  });

  it('a coordinator marks the register with the keyboard and sees it saved; a refused save shows the problem first', async () => {
    const page = await open('coordinator', '/ax');
    expect(await axeViolations(page)).toEqual([]);
    // Each booking is a group named by its legend, each choice a labelled radio.
    const first = page.getByRole('group', { name: `Booking number ${booked[0]}` });
    await first.getByLabel('Went', { exact: true }).focus();
    await page.keyboard.press('Space');
    const third = page.getByRole('group', { name: `Booking number ${booked[2]}` });
    expect(await third.getByLabel('Did not go', { exact: true }).isChecked()).toBe(true);
    await third.getByLabel('Went', { exact: true }).check();
    await page.screenshot({ path: `${ARTIFACTS}/studio-attendance-register.png`, fullPage: true });
    await page.getByRole('button', { name: 'Save attendance' }).press('Enter');
    await page.waitForURL(`${base}/ax?saved=2&changed=2`);
    expect(await page.getByRole('status').innerText()).toBe('Saved: 2 booking(s) marked, 2 of them new or changed.');
    expect(await markOf(t.db, booked[0]!)).toMatchObject({ attended: true, source: 'coordinator', marked_by: 'staff:staff-coordinator' });
    expect(await markOf(t.db, booked[2]!)).toMatchObject({ attended: true, source: 'coordinator' });
    expect(await markOf(t.db, booked[1]!)).toBeUndefined();
    expect(audits.map((a) => a.action)).toEqual(['attendance.save']);

    // A page left open while the resident answers in chat: changing that booking is refused, nothing kept.
    const stale = await open('coordinator', '/ax');
    await t.db.transaction((tx) => answerAttendance(tx, 'ax-1', true, AFTER));
    await stale.getByRole('group', { name: `Booking number ${booked[1]}` }).getByLabel('Did not go', { exact: true }).check();
    await stale.getByRole('button', { name: 'Save attendance' }).click();
    await stale.waitForURL(`${base}/ax`);
    const summary = stale.locator('.error-summary');
    expect(await summary.locator('li').allInnerTexts()).toEqual([
      `Booking number ${booked[1]}: someone else marked it after you opened this page (it is now: Went: marked by the resident, in chat, Mon, 11 Jan 2027 16:00). Check it and save again`,
    ]);
    // The register now shows the resident's answer.
    expect(await stale.getByRole('group', { name: `Booking number ${booked[1]}` }).getByLabel('Went', { exact: true }).isChecked()).toBe(true);
    expect(await axeViolations(stale)).toEqual([]);
    await stale.screenshot({ path: `${ARTIFACTS}/studio-attendance-refused.png`, fullPage: true });
    await summary.locator('a').click();
    expect(new URL(stale.url()).hash).toBe(`#booking-${booked[1]}`);
    expect(await markOf(t.db, booked[0]!)).toMatchObject({ attended: true });
    expect(await markOf(t.db, booked[1]!)).toEqual({ attended: true, source: 'resident', marked_by: 'resident' });
    await page.context().close();
    await stale.context().close();
  });
});
