/**
 * anchorline studio invite <email> --role coordinator|translator|viewer
 * anchorline studio link <email>
 * anchorline studio list
 * anchorline studio remove <email>
 * anchorline studio audit [--limit N]
 *
 * Studio accounts (issue 13) are made by the operator at the server: an invitation prints a
 * one-time sign-in link (and emails it when STUDIO_SMTP_URL is set). There are no passwords; a
 * lost link is replaced with `studio link`.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { publicUrl, type Config } from '../config.ts';
import { inviteStaff, linkStaff, removeStaff } from '../studio/auth/staffAccounts.ts';
import type { SigninLink } from '../studio/auth/issueSigninLink.ts';
import { sendSigninMail, type MailSettings } from '../studio/auth/sendSigninMail.ts';
import { staffEmailSchema } from '../studio/auth/staffEmail.ts';
import { roleSchema } from '../studio/staff.ts';
import type { Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { openDb } from '../store/openDb.ts';
import { listStudioAudit } from '../store/studioAudit.ts';
import { listStudioStaff, type StudioStaffRecord } from '../store/studioStaff.ts';

export const STUDIO_USAGE = `  anchorline studio invite <email> --role coordinator|translator|viewer
  anchorline studio link <email>
  anchorline studio list
  anchorline studio remove <email>
  anchorline studio audit [--limit N]`;

export interface StudioIo {
  /** Runs fn with the configured database open (migrations applied). */
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  out(line: string): void;
  err(line: string): void;
  /** PUBLIC_URL (or http://localhost:<PORT>): links start with it. */
  publicUrl: string;
  inviteHours: number;
  /** STUDIO_SMTP_URL with STUDIO_MAIL_FROM; undefined: links are only printed. */
  mail?: MailSettings | undefined;
  /** Set when STUDIO_SMTP_URL is set without STUDIO_MAIL_FROM (allowed outside production): said, not emailed. */
  mailUnconfigured?: string | undefined;
  now?: () => Date;
}

class StudioUsageError extends Error {}

const emailArg = z.object({ email: staffEmailSchema });
const inviteArgs = z.object({
  email: staffEmailSchema,
  role: z.string({ error: 'invite needs --role coordinator|translator|viewer' }).pipe(z.enum(roleSchema.options, { error: '--role: coordinator, translator or viewer' })),
});
const limitArg = z.coerce.number({ error: '--limit: a whole number from 1 to 10000' }).int('--limit: a whole number from 1 to 10000').min(1, '--limit: a whole number from 1 to 10000').max(10000, '--limit: a whole number from 1 to 10000');

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new StudioUsageError(r.error.issues.map((i) => (i.path.length && i.path[0] !== 'role' ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
  return r.data;
}

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

function table(rows: StudioStaffRecord[]): string[] {
  const lines = rows.map((s) => [s.email, s.role, s.disabledAt ? `removed ${when(s.disabledAt)}` : 'active', when(s.createdAt), when(s.lastSigninAt)]);
  const head = ['email', 'role', 'state', 'invited', 'last sign-in'];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [head, ...lines].map((l) => l.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd());
}

async function deliver(io: StudioIo, to: string, link: SigninLink, kind: 'invite' | 'link'): Promise<number> {
  io.out(`Sign-in link (works once, until ${when(link.expiresAt)}):`);
  io.out('');
  io.out(`  ${link.url}`);
  io.out('');
  if (io.mailUnconfigured) {
    io.err(`not emailed: ${io.mailUnconfigured}`);
    return 0;
  }
  if (!io.mail) {
    io.out(`Hand it to ${to} yourself (no STUDIO_SMTP_URL: nothing was emailed).`);
    return 0;
  }
  const sent = await sendSigninMail(io.mail, to, link, kind);
  if (sent.type === 'sent') {
    io.out(`Emailed to ${to}.`);
    return 0;
  }
  io.err(`the email to ${to} was not sent (${sent.reason}); the link above works: hand it over yourself`);
  return 1;
}

/** Runs `studio …` (argv after `studio`); returns the exit code (1: not done, 2: usage). */
export async function studioCommand(argv: string[], io: StudioIo): Promise<number> {
  const now = io.now ?? (() => new Date());
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { role: { type: 'string' }, limit: { type: 'string' } } });
    const [cmd, ...rest] = positionals;
    if (cmd !== 'invite' && values.role !== undefined) throw new StudioUsageError('--role goes with invite only');
    if (cmd !== 'audit' && values.limit !== undefined) throw new StudioUsageError('--limit goes with audit only');
    const wanted = cmd === 'list' || cmd === 'audit' ? 0 : 1;
    if (rest.length > wanted) throw new StudioUsageError(`studio ${cmd ?? ''}: unexpected ${rest.slice(wanted).join(' ')}`);
    const linkOptions = () => ({ publicUrl: io.publicUrl, inviteHours: io.inviteHours, now: now() });
    switch (cmd) {
      case 'invite': {
        const a = parse(inviteArgs, { email: rest[0], role: values.role });
        const r = await io.withDb((db) => inviteStaff(db, { email: a.email, role: a.role }, linkOptions()));
        const b = r.before;
        if (!b) io.out(`invited ${r.staff.email} as ${r.staff.role}`);
        else if (b.disabledAt) io.out(`${r.staff.email} had been removed: invited again as ${r.staff.role}`);
        else if (b.role !== r.staff.role) io.out(`${r.staff.email} was a ${b.role}, is now a ${r.staff.role} (open sessions have the new role at once)`);
        else io.out(`${r.staff.email} is already a ${r.staff.role}: here is a new sign-in link`);
        return deliver(io, r.staff.email, r.link, 'invite');
      }
      case 'link': {
        const a = parse(emailArg, { email: rest[0] });
        const r = await io.withDb((db) => linkStaff(db, a.email, linkOptions()));
        if (r.type !== 'issued') {
          io.err(r.type === 'unknown' ? `no studio account for ${a.email} (invite them with anchorline studio invite)` : `${a.email} was removed from the studio (invite them again to let them back in)`);
          return 1;
        }
        return deliver(io, r.staff.email, r.link, 'link');
      }
      case 'list': {
        const rows = await io.withDb((db) => listStudioStaff(db));
        if (rows.length === 0) io.out('no studio accounts (anchorline studio invite <email> --role coordinator makes the first)');
        else for (const line of table(rows)) io.out(line);
        return 0;
      }
      case 'remove': {
        const a = parse(emailArg, { email: rest[0] });
        const r = await io.withDb((db) => removeStaff(db, a.email, now()));
        if (r.type === 'unknown') {
          io.err(`no studio account for ${a.email}`);
          return 1;
        }
        if (r.type === 'alreadyRemoved') io.out(`${a.email} was already removed at ${when(r.staff.disabledAt)}`);
        else io.out(`removed ${a.email}: ${r.sessionsEnded} session(s) ended; unused sign-in links no longer work`);
        return 0;
      }
      case 'audit': {
        const limit = parse(limitArg, values.limit ?? '50');
        const rows = await io.withDb((db) => listStudioAudit(db, limit));
        if (rows.length === 0) io.out('the studio audit trail is empty');
        for (const e of rows) io.out([when(e.at), e.email ?? 'cli', e.action, e.subject, e.detail ? JSON.stringify(e.detail) : ''].join('  ').trimEnd());
        return 0;
      }
      default:
        throw new StudioUsageError(`unknown command: studio ${cmd ?? ''}`.trimEnd());
    }
  } catch (err) {
    if (err instanceof StudioUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\nusage:\n${STUDIO_USAGE}`);
      return 2;
    }
    throw err;
  }
}

/** `anchorline studio …` with the configured database and mail settings (src/cli/main.ts). */
export async function studioCli(argv: string[], config: Config): Promise<number> {
  const smtpUrl = config.STUDIO_SMTP_URL;
  const from = config.STUDIO_MAIL_FROM;
  return studioCommand(argv, {
    withDb: async (fn) => {
      const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
      try {
        await migrate(db);
        return await fn(db);
      } finally {
        await db.close();
      }
    },
    out: (l) => console.log(l),
    err: (l) => console.error(l),
    publicUrl: publicUrl(config),
    inviteHours: config.STUDIO_INVITE_HOURS,
    mail: smtpUrl && from ? { smtpUrl, from } : undefined,
    mailUnconfigured: smtpUrl && !from ? 'STUDIO_SMTP_URL is set but STUDIO_MAIL_FROM is not' : undefined,
  });
}
