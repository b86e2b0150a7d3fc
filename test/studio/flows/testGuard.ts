/**
 * The documented test seam for the studio's sign-in: the member of staff comes from the
 * `x-test-staff` header (a role), changes need the session's CSRF token (`X-CSRF-Token`, or the
 * `csrf` field of a form), and audits are kept in memory. The real guard is src/studio/auth.
 */
import type { Request } from 'express';
import { AppError } from '../../../src/errors.ts';
import { can, roleSchema, type Permission, type StudioGuard } from '../../../src/studio/staff.ts';

export const TEST_CSRF = 'test-csrf-token-1234567890';

export interface TestGuard extends StudioGuard {
  audits: Array<{ who: string; action: string; subject: string; detail?: Record<string, unknown> | undefined }>;
}

const csrfOf = (req: Request): string | undefined => {
  const header = req.get('x-csrf-token');
  if (header) return header;
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  return raw ? (new URLSearchParams(raw.toString('utf8')).get('csrf') ?? undefined) : undefined;
};

export function testGuard(): TestGuard {
  const audits: TestGuard['audits'] = [];
  return {
    audits,
    require: (permission: Permission) => (req, res, next) => {
      const role = roleSchema.safeParse(req.get('x-test-staff'));
      if (!role.success) return next(new AppError('studio_signin_required', 'sign in to the studio'));
      res.locals['staff'] = { id: `staff-${role.data}`, email: `${role.data}@example.org`, role: role.data, csrf: TEST_CSRF };
      if (req.method !== 'GET' && req.method !== 'HEAD' && csrfOf(req) !== TEST_CSRF) return next(new AppError('csrf_failed', 'the form is out of date: reload the page'));
      if (!can(role.data, permission)) return next(new AppError('forbidden', `a ${role.data} may not do this`));
      next();
    },
    audit: async (req, action, subject, detail) => {
      audits.push({ who: String(req.res?.locals['staff'] ? (req.res.locals['staff'] as { email: string }).email : ''), action, subject, detail });
    },
  };
}
