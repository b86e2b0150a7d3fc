/**
 * HTML to PDF with the Debian Chromium the browser tests already use (CHROMIUM_PATH), through
 * playwright-core: no downloaded browser and no PDF library of our own. A machine without the
 * binary answers 503 with a sentence saying so; the server never crashes for it.
 */
import { access, constants } from 'node:fs/promises';
import { AppError } from '../../errors.ts';

/** The flags every headless Chromium of ours runs with (test/helpers/chromium.ts). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Renders one self-contained HTML page (inline styles and SVG, nothing fetched) to an A4 PDF. */
export async function renderPdf(pageHtml: string, chromiumPath: string): Promise<Buffer> {
  try {
    await access(chromiumPath, constants.X_OK);
  } catch {
    throw new AppError('pdf_unavailable', `PDF export needs Chromium at ${chromiumPath} (CHROMIUM_PATH; apt-get install chromium): use the printable HTML report meanwhile`);
  }
  // playwright-core (~85 MB resident once imported) loads with the first PDF, not with the server.
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (err) {
    throw new AppError('pdf_unavailable', `Chromium at ${chromiumPath} did not start, so no PDF: use the printable HTML report meanwhile`, { cause: err });
  }
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    // Nothing leaves the machine: the page is self-contained.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(pageHtml, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
