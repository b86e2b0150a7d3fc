import type { z } from 'zod';
import { AppError } from '../../errors.ts';

/** A request's body, params or query checked by `schema`: 400 `bad_request` naming each field and what is wrong. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'the request body'): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message }));
  throw new AppError('bad_request', `${what}: ${problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ')}`, { detail: { problems } });
}
