import nodemailer from 'nodemailer';
import type { SigninLink } from './issueSigninLink.ts';

export interface MailSettings {
  /** STUDIO_SMTP_URL, e.g. smtps://user:pass@smtp.example.org:465. */
  smtpUrl: string;
  /** STUDIO_MAIL_FROM. */
  from: string;
}

export type MailResult = { type: 'sent' } | { type: 'failed'; reason: string };

/**
 * Emails a sign-in link to a member of staff. A failure is a value: the operator has the printed
 * link either way. Its reason names the SMTP error code only (never the server's URL, which holds
 * its password, nor the link).
 */
export async function sendSigninMail(settings: MailSettings, to: string, link: SigninLink, kind: 'invite' | 'link'): Promise<MailResult> {
  const transport = nodemailer.createTransport(settings.smtpUrl);
  const until = link.expiresAt.toISOString().replace(/:\d\d\.\d{3}Z$/, ' UTC').replace('T', ' ');
  const opening = kind === 'invite' ? 'You have been invited to the Anchorline studio.' : 'Here is a new link to sign in to the Anchorline studio.';
  try {
    await transport.sendMail({
      from: settings.from,
      to,
      subject: kind === 'invite' ? 'Your invitation to the Anchorline studio' : 'Your Anchorline studio sign-in link',
      text: [
        opening,
        '',
        'Open this link and press "Sign in":',
        link.url,
        '',
        `It works once, until ${until}. If you did not expect this email, you can ignore it.`,
      ].join('\n'),
    });
    return { type: 'sent' };
  } catch (err) {
    const e = err as { code?: unknown; responseCode?: unknown };
    const reason = [typeof e.code === 'string' ? e.code : 'error', typeof e.responseCode === 'number' ? String(e.responseCode) : ''].filter(Boolean).join(' ');
    return { type: 'failed', reason };
  } finally {
    transport.close();
  }
}
