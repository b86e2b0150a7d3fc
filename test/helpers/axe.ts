import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: unknown[];
}

/**
 * axe-core with the WCAG 2.2 AA rules and best practice on the page as it is; every violation is
 * returned, whatever its impact. The report goes to `reportFile` when given.
 */
export async function axeViolations(page: Page, reportFile?: string): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern: the page is tested
  // under its own policy (even the sign-in pages' "no script at all"), not with the policy bypassed.
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<unknown> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    }),
  )) as { violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }>; passes: unknown[] };
  const violations = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target) }));
  if (reportFile) writeFileSync(reportFile, JSON.stringify({ url: page.url(), passes: result.passes.length, violations }, null, 2));
  return violations;
}
