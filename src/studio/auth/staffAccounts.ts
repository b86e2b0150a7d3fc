import type { Role } from '../staff.ts';
import type { Db } from '../../store/db.ts';
import { insertStudioAudit } from '../../store/studioAudit.ts';
import { deleteStudioSessions } from '../../store/studioSessions.ts';
import { deleteStudioSigninLinks } from '../../store/studioSigninLinks.ts';
import { disableStudioStaff, findStudioStaff, insertStudioStaff, updateStudioStaff, type StudioStaffRecord } from '../../store/studioStaff.ts';
import { staffEmailSchema } from './staffEmail.ts';
import { issueSigninLink, type LinkOptions, type SigninLink } from './issueSigninLink.ts';

/**
 * What the operator does to studio accounts from the command line (src/cli/studioCommand.ts):
 * invite, send a new link, remove. Each is one transaction with its audit row (`via: cli`).
 * Addresses are checked and lower-cased here too (staffEmail.ts): one account per address.
 */

export interface InviteResult {
  /** The account before: undefined when the invitation created it. */
  before: StudioStaffRecord | undefined;
  staff: StudioStaffRecord;
  link: SigninLink;
}

/** Creates the account, or sets its role and enables it again; and mints a sign-in link. */
export async function inviteStaff(db: Db, input: { email: string; role: Role }, o: LinkOptions): Promise<InviteResult> {
  return db.transaction(async (tx) => {
    const email = staffEmailSchema.parse(input.email);
    const before = await findStudioStaff(tx, email, true);
    const staff = before ? await updateStudioStaff(tx, before.id, input.role) : await insertStudioStaff(tx, { email, role: input.role, at: o.now });
    const link = await issueSigninLink(tx, staff.id, o);
    const detail: Record<string, unknown> = { role: input.role };
    if (before && before.role !== input.role) detail['previousRole'] = before.role;
    if (before?.disabledAt) detail['reenabled'] = true;
    await insertStudioAudit(tx, { at: o.now, actor: { via: 'cli' }, action: 'staff.invite', subject: staff.email, detail });
    return { before, staff, link };
  });
}

export type LinkResult = { type: 'issued'; staff: StudioStaffRecord; link: SigninLink } | { type: 'unknown' | 'removed' };

/** A new one-time link for someone already invited (lost or expired invitation, a new browser). */
export async function linkStaff(db: Db, email: string, o: LinkOptions): Promise<LinkResult> {
  return db.transaction(async (tx) => {
    const staff = await findStudioStaff(tx, staffEmailSchema.parse(email), true);
    if (!staff) return { type: 'unknown' } as const;
    if (staff.disabledAt) return { type: 'removed' } as const;
    const link = await issueSigninLink(tx, staff.id, o);
    await insertStudioAudit(tx, { at: o.now, actor: { via: 'cli' }, action: 'staff.link', subject: staff.email });
    return { type: 'issued', staff, link } as const;
  });
}

export type RemoveResult = { type: 'removed'; staff: StudioStaffRecord; sessionsEnded: number } | { type: 'unknown' } | { type: 'alreadyRemoved'; staff: StudioStaffRecord };

/** Disables the account: its sessions end at once and its unused links stop working. */
export async function removeStaff(db: Db, email: string, now: Date): Promise<RemoveResult> {
  return db.transaction(async (tx) => {
    const before = await findStudioStaff(tx, staffEmailSchema.parse(email), true);
    if (!before) return { type: 'unknown' } as const;
    if (before.disabledAt) return { type: 'alreadyRemoved', staff: before } as const;
    const staff = await disableStudioStaff(tx, before.id, now);
    const sessionsEnded = await deleteStudioSessions(tx, { staffId: staff.id });
    await deleteStudioSigninLinks(tx, { staffId: staff.id });
    await insertStudioAudit(tx, { at: now, actor: { via: 'cli' }, action: 'staff.remove', subject: staff.email, detail: { sessionsEnded } });
    return { type: 'removed', staff, sessionsEnded } as const;
  });
}
