/**
 * anchorline outcomes report --month 2026-10 [--partner <partner-id>] --out report.pdf|report.html
 *
 * The monthly one-page report, as the dashboard's /admin/outcomes/report serves it, written to a
 * file: HTML as is, PDF through Chromium (CHROMIUM_PATH). For the network, or one partner's part.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { OutcomeFilters, OutcomeReport, OutcomeScope } from '../domain/outcomes/outcomeReport.ts';
import { monthPeriod, monthSchema } from '../http/outcomes/filters.ts';
import { monthlyReportPage } from '../http/outcomes/monthlyReport.ts';
import { renderPdf } from '../http/outcomes/renderPdf.ts';
import type { Db } from '../store/db.ts';
import { partnersRepo } from '../store/partners/partnersRepo.ts';
import { OUTCOMES_USAGE } from './outcomesUsage.ts';


const reportArgs = z.object({
  month: monthSchema,
  partner: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'a partner id is lower-case letters, digits and dashes').optional(),
  out: z.string().regex(/\.(pdf|html)$/i, 'the file name ends in .pdf or .html'),
});

export interface OutcomesIo {
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  load(db: Db, scope: OutcomeScope, filters: OutcomeFilters): Promise<OutcomeReport>;
  chromiumPath: string;
  out(line: string): void;
  err(line: string): void;
}

/** Runs `outcomes …` (argv after `outcomes`); returns the exit code (1: refused, 2: usage). */
export async function outcomesCommand(argv: string[], io: OutcomesIo): Promise<number> {
  let a: z.output<typeof reportArgs>;
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { month: { type: 'string' }, partner: { type: 'string' }, out: { type: 'string' } } });
    if (positionals.length !== 1 || positionals[0] !== 'report') throw new Error(`unknown command: outcomes ${positionals.join(' ')}`.trimEnd());
    const r = reportArgs.safeParse(values);
    if (!r.success) throw new Error(r.error.issues.map((i) => `--${i.path.join('.')}: ${i.message === 'Invalid input: expected string, received undefined' ? 'missing' : i.message}`).join('; '));
    a = r.data;
  } catch (err) {
    io.err(`${(err as Error).message}\nusage:\n${OUTCOMES_USAGE}`);
    return 2;
  }
  const built = await io.withDb(async (db) => {
    const partner = a.partner ? (await partnersRepo.byIds(db, [a.partner]))[0] : undefined;
    if (a.partner && !partner) return undefined;
    const scope: OutcomeScope = a.partner ? { kind: 'partner', partnerId: a.partner } : { kind: 'network' };
    const report = await io.load(db, scope, monthPeriod(a.month));
    return monthlyReportPage(report, { month: a.month, scopeLabel: partner ? partner.name : 'The whole network' });
  });
  if (built === undefined) {
    io.err(`no partner "${a.partner}" (partners come from flows/partners.yaml)`);
    return 1;
  }
  if (/\.pdf$/i.test(a.out)) {
    try {
      await writeFile(a.out, await renderPdf(built, io.chromiumPath));
    } catch (err) {
      io.err((err as Error).message);
      return 1;
    }
  } else await writeFile(a.out, built, 'utf8');
  io.out(`wrote ${a.out} (${a.partner ? `partner ${a.partner}` : 'the whole network'}, ${a.month})`);
  return 0;
}
