import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const BANK_HOLIDAYS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data', 'bank-holidays-england-and-wales.json');

const fileSchema = z.object({
  source: z.string(),
  events: z.array(z.object({ date: z.iso.date(), title: z.string() })),
});

/** England and Wales bank holidays from the shipped GOV.UK extract (see its `source`). */
export function loadBankHolidays(file = BANK_HOLIDAYS_FILE): Set<string> {
  const parsed = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return new Set(parsed.events.map((e) => e.date));
}
