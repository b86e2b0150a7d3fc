import type { Queryable } from '../../store/db.ts';
import { insertStudioSigninLink } from '../../store/studioSigninLinks.ts';
import { newSecret, secretHash } from './secretToken.ts';

export interface SigninLink {
  /** `${publicUrl}/studio/signin?token=…`: works once, until `expiresAt`. */
  url: string;
  expiresAt: Date;
}

export interface LinkOptions {
  publicUrl: string;
  inviteHours: number;
  now: Date;
}

/** Mints a one-time sign-in link for an account; the returned URL is the only copy of its token. */
export async function issueSigninLink(db: Queryable, staffId: string, o: LinkOptions): Promise<SigninLink> {
  const token = newSecret();
  const expiresAt = new Date(o.now.getTime() + o.inviteHours * 3_600_000);
  await insertStudioSigninLink(db, { tokenSha256: secretHash(token), staffId, createdAt: o.now, expiresAt });
  return { url: `${o.publicUrl.replace(/\/+$/, '')}/studio/signin?token=${token}`, expiresAt };
}
