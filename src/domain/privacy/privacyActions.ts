import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineAction, type DomainAction } from '../../engine/actions.ts';
import { insertExportLink } from '../../store/dataExportLinks.ts';
import { recordPrivacyAction } from '../../store/privacyAudit.ts';
import { formatWhen } from '../courses/formatWhen.ts';

/** 32 random bytes, base64url: 43 characters, no padding. */
export const EXPORT_TOKEN_LENGTH = 43;
export const exportTokenSchema = z.string().length(EXPORT_TOKEN_LENGTH).regex(/^[A-Za-z0-9_-]+$/);

/** Only this is stored: a leaked table gives no working link. */
export function exportTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface PrivacyActionsDeps {
  /** PUBLIC_URL: where residents reach this server (the link's base). */
  publicUrl: string;
  /** EXPORT_LINK_MINUTES: how long a link works. */
  linkMinutes: number;
}

/** The address of the page behind a token. */
export function exportLinkUrl(publicUrl: string, token: string): string {
  return new URL(`privacy/export/${token}`, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString();
}

/** The resident's own privacy requests in chat ("send me my data"). */
export function privacyActions(deps: PrivacyActionsDeps): DomainAction[] {
  return [
    defineAction({
      name: 'requestDataExport',
      description: '"Send me my data": a one-time link, for EXPORT_LINK_MINUTES, to a copy of everything held about this conversation.',
      params: z.object({}),
      result: z.object({ url: z.url(), minutes: z.number(), until: z.string() }),
      run: async (_p, ctx) => {
        const token = randomBytes(32).toString('base64url');
        const expiresAt = new Date(ctx.now.getTime() + deps.linkMinutes * 60_000);
        await insertExportLink(ctx.tx, { tokenHash: exportTokenHash(token), conversationId: ctx.conversationId, createdAt: ctx.now, expiresAt });
        await recordPrivacyAction(ctx.tx, { conversationId: ctx.conversationId, action: 'export_link_created', actor: 'resident', at: ctx.now });
        return { url: exportLinkUrl(deps.publicUrl, token), minutes: deps.linkMinutes, until: formatWhen(expiresAt.toISOString(), ctx.locale) };
      },
    }),
  ];
}
