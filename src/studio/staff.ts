import type { Request, RequestHandler } from 'express';
import { z } from 'zod';

/**
 * Who works in the studio (issue 13). Coordinators edit and publish flows and programme data;
 * translators edit wording only; viewers read.
 */
export const roleSchema = z.enum(['coordinator', 'translator', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

/** What a studio route needs. */
export type Permission = 'read' | 'wording' | 'edit' | 'publish' | 'data' | 'outcomes';

const grants: Record<Role, readonly Permission[]> = {
  coordinator: ['read', 'wording', 'edit', 'publish', 'data', 'outcomes'],
  translator: ['read', 'wording'],
  // The outcomes dashboard (issue 15): programme staff who read the figures, not translators.
  viewer: ['read', 'outcomes'],
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}

/** The signed-in member of staff, set on `res.locals.staff` by the guard. */
export interface Staff {
  id: string;
  email: string;
  role: Role;
  /** The session's CSRF token: pages embed it, scripts send it as `X-CSRF-Token` on every change. */
  csrf: string;
}

/**
 * What the studio's routers get from the sign-in layer (src/studio/auth): a guard per permission
 * (401 for no session, 403 for a role without it or a change without the CSRF token, for pages
 * a redirect to the sign-in page), and the audit writer every change calls.
 */
export interface StudioGuard {
  require(permission: Permission): RequestHandler;
  /** Records who did what, when: `action` such as `flows.publish`, `subject` such as a release id. No resident data. */
  audit(req: Request, action: string, subject: string, detail?: Record<string, unknown>): Promise<void>;
}

/** The staff member a guarded route runs for. */
export function staffOf(locals: Record<string, unknown>): Staff {
  const s = locals['staff'] as Staff | undefined;
  if (!s) throw new Error('studio route without the guard: res.locals.staff is not set');
  return s;
}
