import { z } from 'zod';

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/);
const count = z.coerce.number().int().min(0).max(1_000_000);

/** What the page a change redirected to says (`?done=…`): built here from checked values, never echoed. */
export const doneQuerySchema = z.object({
  done: z.enum([
    'sessionAdded',
    'capacityChanged',
    'capacityUnchanged',
    'sessionCancelled',
    'alreadyCancelled',
    'vacancyAdded',
    'vacancyClosed',
    'vacancyAlreadyClosed',
    'vacancyReopened',
  ]),
  id: idSchema,
  n: count.optional(),
  m: count.optional(),
  date: z.iso.date().optional(),
});
export type DoneQuery = z.infer<typeof doneQuerySchema>;

export function doneMessage(query: unknown): string | undefined {
  const q = doneQuerySchema.safeParse(query);
  if (!q.success) return undefined;
  const { id, n = 0, m = 0, date } = q.data;
  switch (q.data.done) {
    case 'sessionAdded':
      return `Session ${id} added. Residents can book it now.`;
    case 'capacityChanged':
      return `The capacity of ${id} is now ${n}.${m ? ` ${m} seat(s) were offered to people on the waiting list.` : ''}`;
    case 'capacityUnchanged':
      return `The capacity of ${id} was already ${n}: nothing changed.`;
    case 'sessionCancelled':
      return `Session ${id} is cancelled. ${n} of ${m} resident(s) with a booking or on the waiting list were told.${n < m ? ' The others could not be reached just now: they are tried again in a minute, and until it works (see the log).' : ''}`;
    case 'alreadyCancelled':
      return `Session ${id} was already cancelled: nothing more was done and nobody was told twice.`;
    case 'vacancyAdded':
      return `Vacancy ${id} added. Residents can be matched to it now.`;
    case 'vacancyClosed':
      return `Vacancy ${id} is closed (closing date ${date ?? 'yesterday'}). Applications already made are kept.`;
    case 'vacancyAlreadyClosed':
      return `Vacancy ${id} was already closed (closing date ${date ?? 'in the past'}): nothing changed.`;
    case 'vacancyReopened':
      return `Vacancy ${id} is open until ${date ?? 'its closing date'}.`;
  }
}
