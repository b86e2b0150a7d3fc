/**
 * Referral codes (migration 090_outcomes.sql): one per route a community partner brings residents
 * in by ("Pioneer tenancy team"). A code is in links (`/?ref=CODE`), the widget's `data-referral`
 * and a printed poster's QR code; it is counted from a conversation's first turn.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from './db.ts';

/** Upper-case letters and digits, 4–20: what a resident can type from a poster. */
export const referralCodeSchema = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{4,20}$/, 'a referral code is 4 to 20 letters and digits'));

/** The code as written in a link or attribute, if it could be one (case does not matter); else undefined. */
export function normaliseReferralCode(raw: unknown): string | undefined {
  const r = referralCodeSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}

// No 0/O, 1/I/L, 5/S, 2/Z: a code read off a poster or aloud is typed right.
const ALPHABET = 'ABCDEFGHJKMNPQRTUVWXY346789';

/** A new random code: 8 characters of an alphabet without look-alikes (27^8 ≈ 2.8e11). */
export function newReferralCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

const rowSchema = z
  .object({
    code: z.string(),
    partner_id: z.string(),
    label: z.string(),
    created_at: z.coerce.date(),
    retired_at: z.coerce.date().nullable(),
  })
  .transform((r) => ({ code: r.code, partnerId: r.partner_id, label: r.label, createdAt: r.created_at, retiredAt: r.retired_at }));
export type ReferralCode = z.output<typeof rowSchema>;

export type CreateReferralResult = { type: 'created'; code: ReferralCode } | { type: 'unknownPartner' } | { type: 'codeTaken' };

/** Creates a code for a partner (a given code, or a new random one). */
export async function createReferralCode(db: Queryable, input: { partnerId: string; label: string; code?: string; at?: Date }): Promise<CreateReferralResult> {
  const partner = await db.query('SELECT 1 FROM partners WHERE id = $1', [input.partnerId]);
  if (partner.rowCount === 0) return { type: 'unknownPartner' };
  const code = input.code ?? newReferralCode();
  const { rows } = await db.query(
    `INSERT INTO referral_codes (code, partner_id, label, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (code) DO NOTHING RETURNING code, partner_id, label, created_at, retired_at`,
    [code, input.partnerId, input.label, input.at ?? new Date()],
  );
  return rows[0] ? { type: 'created', code: rowSchema.parse(rows[0]) } : { type: 'codeTaken' };
}

/** Every code (of one partner when given), oldest first. */
export async function listReferralCodes(db: Queryable, partnerId?: string): Promise<ReferralCode[]> {
  const { rows } = partnerId
    ? await db.query('SELECT code, partner_id, label, created_at, retired_at FROM referral_codes WHERE partner_id = $1 ORDER BY created_at, code', [partnerId])
    : await db.query('SELECT code, partner_id, label, created_at, retired_at FROM referral_codes ORDER BY created_at, code');
  return rows.map((r) => rowSchema.parse(r));
}

export async function findReferralCode(db: Queryable, code: string): Promise<ReferralCode | undefined> {
  const { rows } = await db.query('SELECT code, partner_id, label, created_at, retired_at FROM referral_codes WHERE code = $1', [code]);
  return rows[0] ? rowSchema.parse(rows[0]) : undefined;
}

/** Retires a code: new conversations no longer count it; past figures keep it. False when unknown or already retired. */
export async function retireReferralCode(db: Queryable, code: string, at: Date = new Date()): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE referral_codes SET retired_at = $2 WHERE code = $1 AND retired_at IS NULL', [code, at]);
  return rowCount > 0;
}
