import { timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.ts';
import type { FlowCatalog } from '../flows/catalog.ts';
import { formatProblem } from '../flows/problem.ts';

/** Bearer-token check for /admin; refused outright when no token is configured. */
export function requireAdmin(token: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!token) return next(new AppError('admin_disabled', 'admin routes are off: set ADMIN_TOKEN to use them'));
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return next(new AppError('unauthorized', 'missing or invalid admin token'));
    next();
  };
}

export function adminRoutes(opts: { adminToken: string | undefined; catalog: FlowCatalog }): express.Router {
  const r = express.Router();
  r.use(requireAdmin(opts.adminToken));
  r.post('/flows/reload', async (_req, res) => {
    const result = await opts.catalog.reload();
    if (!result.ok) {
      throw new AppError('flows_invalid', 'the flows have errors; the last good version stays live', { detail: { problems: result.problems.map(formatProblem) } });
    }
    res.json({ status: 'reloaded', flows: [...result.set.flows.values()].map((f) => ({ id: f.id, version: f.version })), warnings: result.set.warnings.map(formatProblem) });
  });
  return r;
}
