import { timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { FlowCatalog } from '../flows/catalog.ts';
import { formatProblem } from '../flows/problem.ts';
import { publishFolder } from '../flows/releases/publishFolder.ts';
import type { Releases } from '../flows/releases/releaseTypes.ts';

const bearerSchema = z.string().regex(/^Bearer [\x21-\x7e]+$/);

/** The bearer token of a request, or undefined when there is none of the right shape. */
export function bearerOf(header: string | undefined): string | undefined {
  const h = bearerSchema.safeParse(header);
  return h.success ? h.data.slice('Bearer '.length) : undefined;
}

/** Whether `given` is `token`, compared in constant time. */
export function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The operator's check (ADMIN_TOKEN) for operator routes only; refused outright when no token
 * is configured. Anything else, partner credentials included, is 401: they open partner routes
 * (src/http/partnerRoutes.ts) and nothing here.
 */
export function requireAdmin(token: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!token) return next(new AppError('admin_disabled', 'operator routes are off: set ADMIN_TOKEN to use them'));
    const given = bearerOf(req.get('authorization'));
    if (given === undefined || !sameSecret(given, token)) return next(new AppError('unauthorized', 'missing or invalid operator token'));
    next();
  };
}

/**
 * Operator routes, mounted under /admin. The check is on each route, not on the router: the
 * partner routes share the /admin prefix and take partner credentials, not the operator token.
 * `POST /flows/reload` publishes the flows folder as a `files` release (through `releases`, with
 * the same checks as any publish; without it, checker only), so every process switches.
 */
export function adminRoutes(opts: { adminToken: string | undefined; catalog: FlowCatalog; releases?: Pick<Releases, 'publish'> }): express.Router {
  const r = express.Router();
  const operator = requireAdmin(opts.adminToken);
  r.post('/flows/reload', operator, async (_req, res) => {
    const { catalog, releases } = opts;
    if (releases) {
      const result = await publishFolder(catalog, releases, 'operator');
      if (!result.ok) {
        throw new AppError('flows_invalid', 'the flows have errors; the last good version stays live', { detail: { problems: result.lines } });
      }
      const warnings = catalog.current.warnings.map(formatProblem);
      res.json({ status: 'reloaded', release: result.release.id, flows: [...catalog.current.flows.values()].map((f) => ({ id: f.id, version: f.version })), warnings });
      return;
    }
    const result = await catalog.reload();
    if (!result.ok) {
      throw new AppError('flows_invalid', 'the flows have errors; the last good version stays live', { detail: { problems: result.problems.map(formatProblem) } });
    }
    res.json({ status: 'reloaded', flows: [...result.set.flows.values()].map((f) => ({ id: f.id, version: f.version })), warnings: result.set.warnings.map(formatProblem) });
  });
  return r;
}
