import { z } from 'zod';

/** A staff member's address as given on the command line: trimmed, checked, lower-cased (one account per address). */
export const staffEmailSchema = z
  .string({ error: 'an email address is needed' })
  .trim()
  .max(254, 'an email address is at most 254 characters')
  .pipe(z.email({ error: 'not an email address' }))
  .transform((e) => e.toLowerCase());
