/**
 * anchorline partners credentials create <partner-id> [--label "…"]
 * anchorline partners credentials list [<partner-id>]
 * anchorline partners credentials revoke <credential-id>
 * anchorline partners credentials audit <credential-id>
 *
 * The operator mints one credential per partner system (or person) that exports that partner's
 * applications or sets their statuses over HTTP. The secret is printed once and kept only as a
 * hash; lost means revoke and create another.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import {
  createPartnerCredential,
  credentialIdSchema,
  listPartnerAccess,
  listPartnerCredentials,
  revokePartnerCredential,
  type CredentialInfo,
} from '../store/partnerCredentials.ts';

export const PARTNER_CREDENTIALS_USAGE = `  anchorline partners credentials create <partner-id> [--label "who or what uses it"]
  anchorline partners credentials list [<partner-id>]
  anchorline partners credentials revoke <credential-id>
  anchorline partners credentials audit <credential-id>`;

const partnerIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'a partner id is lower-case letters, digits and dashes (as in flows/partners.yaml)');
const labelSchema = z
  .string()
  .trim()
  .max(200, 'a label is at most 200 characters')
  // Printed in lists and terminals: no control characters.
  .regex(/^[^\p{Cc}]*$/u, 'a label has no control characters');

const createArgs = z.object({ partnerId: partnerIdSchema, label: labelSchema.default('') });
const listArgs = z.object({ partnerId: partnerIdSchema.optional() });
const idArgs = z.object({ credentialId: credentialIdSchema });

export interface CredentialsIo {
  /** Runs fn with the configured database open (migrations applied). */
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  out(line: string): void;
  err(line: string): void;
}

class CredentialsUsageError extends Error {}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new CredentialsUsageError(r.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
  return r.data;
}

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

function table(rows: CredentialInfo[]): string[] {
  const lines = rows.map((c) => [c.id, c.partnerId, c.revokedAt ? `revoked ${when(c.revokedAt)}` : 'active', when(c.createdAt), when(c.lastUsedAt), c.label]);
  const head = ['id', 'partner', 'state', 'created', 'last used', 'label'];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [head, ...lines].map((l) => l.map((x, i) => (i === l.length - 1 ? x : x.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** Runs `partners credentials …` (argv after `partners`); returns the exit code (2: usage). */
export async function partnerCredentialsCommand(argv: string[], io: CredentialsIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { label: { type: 'string' } } });
    const [group, cmd, ...rest] = positionals;
    if (group !== 'credentials') throw new CredentialsUsageError(`unknown command: partners ${positionals.join(' ')}`.trimEnd());
    if (cmd !== 'create' && values.label !== undefined) throw new CredentialsUsageError('--label goes with create only');
    if (rest.length > 1) throw new CredentialsUsageError(`one argument expected after ${cmd}, found ${rest.length}`);
    switch (cmd) {
      case 'create': {
        const a = parse(createArgs, { partnerId: rest[0], label: values.label });
        const r = await io.withDb((db) => createPartnerCredential(db, { partnerId: a.partnerId, label: a.label }));
        if (r.type === 'unknownPartner') {
          io.err(`no partner "${r.partnerId}" (partners come from flows/partners.yaml; run anchorline db seed after adding one)`);
          return 1;
        }
        io.out(`credential ${r.credential.id} for partner ${r.credential.partnerId}${r.credential.label ? ` (${r.credential.label})` : ''}:`);
        io.out('');
        io.out(`  ${r.token}`);
        io.out('');
        io.out('This is the only time the secret is shown: hand it over now over a secure channel.');
        io.out('Use it as "Authorization: Bearer <credential>" on that partner\'s /admin routes. Lost or leaked: revoke it and create another.');
        return 0;
      }
      case 'list': {
        const a = parse(listArgs, { partnerId: rest[0] });
        const rows = await io.withDb((db) => listPartnerCredentials(db, a.partnerId));
        if (rows.length === 0) io.out(a.partnerId ? `no credentials for partner ${a.partnerId}` : 'no partner credentials');
        else for (const line of table(rows)) io.out(line);
        return 0;
      }
      case 'revoke': {
        const a = parse(idArgs, { credentialId: rest[0] });
        const r = await io.withDb((db) => revokePartnerCredential(db, a.credentialId));
        if (r.type === 'notFound') {
          io.err(`no credential ${a.credentialId} (see anchorline partners credentials list)`);
          return 1;
        }
        io.out(
          r.type === 'revoked'
            ? `revoked credential ${r.credential.id} of partner ${r.credential.partnerId}: it is refused from now on`
            : `credential ${r.credential.id} was already revoked at ${when(r.credential.revokedAt)}`,
        );
        return 0;
      }
      case 'audit': {
        const a = parse(idArgs, { credentialId: rest[0] });
        const rows = await io.withDb((db) => listPartnerAccess(db, a.credentialId));
        if (rows.length === 0) io.out(`no audit entries for credential ${a.credentialId}`);
        for (const e of rows) {
          const what = e.requestedPartnerId ? ` partner=${e.requestedPartnerId}` : e.applicationVacancyId ? ` application-vacancy=${e.applicationVacancyId}` : '';
          io.out(`${when(e.at)}  ${e.action}  ${e.outcome}${what}`);
        }
        return 0;
      }
      default:
        throw new CredentialsUsageError(`unknown command: partners credentials ${cmd ?? ''}`.trimEnd());
    }
  } catch (err) {
    if (err instanceof CredentialsUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\nusage:\n${PARTNER_CREDENTIALS_USAGE}`);
      return 2;
    }
    throw err;
  }
}
