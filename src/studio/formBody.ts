import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.ts';

/**
 * The fields of an HTML form post (application/x-www-form-urlencoded), read from the bytes the
 * edge already bounded and checked (src/http/readBody.ts leaves them on `req.rawBody`), then
 * validated with `schema`: a bad field is `data_invalid` with each problem by field name.
 *
 * @example
 *   const { capacity } = formBody(req, z.object({ capacity: z.coerce.number().int().min(0) }));
 */
export function formBody<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  const fields = Object.fromEntries(new URLSearchParams(raw ? raw.toString('utf8') : ''));
  const parsed = schema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  throw new AppError('data_invalid', problems.map((p) => `${p.field || 'form'}: ${p.message}`).join('; '), { detail: { problems } });
}
