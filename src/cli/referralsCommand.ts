/**
 * anchorline referrals create <partner-id> --label "Pioneer tenancy team" [--code PIONEER1]
 * anchorline referrals list [--partner <partner-id>]
 * anchorline referrals retire <code>
 *
 * A community partner gets one code per route it brings residents in by (a tenancy team, a job
 * club, a GP surgery's notice board). The code goes into links (`<PUBLIC_URL>/?ref=CODE`), the
 * widget's `data-referral` and a printed poster; the dashboard counts residents by it.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { createReferralCode, listReferralCodes, referralCodeSchema, retireReferralCode, type ReferralCode } from '../store/referralCodes.ts';

export const REFERRALS_USAGE = `  anchorline referrals create <partner-id> --label "what the route is" [--code CODE]
  anchorline referrals list [--partner <partner-id>]
  anchorline referrals retire <code>`;

const partnerIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'a partner id is lower-case letters, digits and dashes (as in flows/partners.yaml)');
const labelSchema = z
  .string({ error: 'a route needs --label "…" (what residents and partners call it)' })
  .trim()
  .min(1, 'a route needs --label "…" (what residents and partners call it)')
  .max(200, 'a label is at most 200 characters')
  // Printed on posters, in lists and terminals: no control characters.
  .regex(/^[^\p{Cc}]*$/u, 'a label has no control characters');

const createArgs = z.object({ partnerId: partnerIdSchema, label: labelSchema, code: referralCodeSchema.optional() });
const listArgs = z.object({ partnerId: partnerIdSchema.optional() });
const retireArgs = z.object({ code: referralCodeSchema });

export interface ReferralsIo {
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** PUBLIC_URL, for the link and the poster's address. */
  publicUrl: string;
  out(line: string): void;
  err(line: string): void;
}

class ReferralsUsageError extends Error {}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ReferralsUsageError(r.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
  return r.data;
}

const base = (url: string) => url.replace(/\/+$/, '');
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '-');

function table(rows: ReferralCode[]): string[] {
  const lines = rows.map((c) => [c.code, c.partnerId, c.retiredAt ? `retired ${day(c.retiredAt)}` : 'in use', day(c.createdAt), c.label]);
  const head = ['code', 'partner', 'state', 'created', 'label'];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [head, ...lines].map((l) => l.map((x, i) => (i === l.length - 1 ? x : x.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** Runs `referrals …` (argv after `referrals`); returns the exit code (1: refused, 2: usage). */
export async function referralsCommand(argv: string[], io: ReferralsIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { label: { type: 'string' }, code: { type: 'string' }, partner: { type: 'string' } },
    });
    const [cmd, ...rest] = positionals;
    if (cmd !== 'create' && (values.label !== undefined || values.code !== undefined)) throw new ReferralsUsageError('--label and --code go with create only');
    if (cmd !== 'list' && values.partner !== undefined) throw new ReferralsUsageError('--partner goes with list only');
    if (rest.length > 1) throw new ReferralsUsageError(`one argument expected after ${cmd}, found ${rest.length}`);
    switch (cmd) {
      case 'create': {
        const a = parse(createArgs, { partnerId: rest[0], label: values.label, code: values.code });
        const r = await io.withDb((db) => createReferralCode(db, { partnerId: a.partnerId, label: a.label, ...(a.code ? { code: a.code } : {}) }));
        if (r.type === 'unknownPartner') {
          io.err(`no partner "${a.partnerId}" (partners come from flows/partners.yaml; run anchorline db seed after adding one)`);
          return 1;
        }
        if (r.type === 'codeTaken') {
          io.err(a.code ? `the code ${a.code} is taken: choose another, or leave --code out for a random one` : 'the random code was taken (very unlikely): run the command again');
          return 1;
        }
        const c = r.code;
        io.out(`referral code ${c.code} for partner ${c.partnerId} (${c.label})`);
        io.out(`  link:   ${base(io.publicUrl)}/?ref=${c.code}`);
        io.out(`  widget: <script src="${base(io.publicUrl)}/widget.js" data-referral="${c.code}" async></script>`);
        io.out(`  poster: ${base(io.publicUrl)}/admin/referrals/${c.code}/poster   (the operator, or ${c.partnerId} signed in with its credential)`);
        return 0;
      }
      case 'list': {
        const a = parse(listArgs, { partnerId: values.partner ?? rest[0] });
        const rows = await io.withDb((db) => listReferralCodes(db, a.partnerId));
        if (rows.length === 0) io.out(a.partnerId ? `no referral codes for partner ${a.partnerId}` : 'no referral codes');
        else for (const line of table(rows)) io.out(line);
        return 0;
      }
      case 'retire': {
        const a = parse(retireArgs, { code: rest[0] });
        const done = await io.withDb((db) => retireReferralCode(db, a.code));
        if (!done) {
          io.err(`no referral code ${a.code} in use (see anchorline referrals list)`);
          return 1;
        }
        io.out(`retired ${a.code}: new conversations no longer count it; past figures keep it`);
        return 0;
      }
      default:
        throw new ReferralsUsageError(`unknown command: referrals ${cmd ?? ''}`.trimEnd());
    }
  } catch (err) {
    if (err instanceof ReferralsUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err((err as Error).message);
      io.err(`usage:\n${REFERRALS_USAGE}`);
      return 2;
    }
    throw err;
  }
}
