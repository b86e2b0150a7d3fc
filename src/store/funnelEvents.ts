/**
 * Funnel events and the per-conversation reach row (migration 090_outcomes.sql).
 *
 * Every event is written in the caller's transaction (a turn's, an action's, a partner's status
 * change) and copies its dimensions from `conversation_reach`, so a stage is counted with the
 * referral route, ward, decile, age band and language the conversation had then. No event holds
 * a conversation id or anything the resident typed; erasure deletes the reach row (the only link
 * from a conversation to its `subject`) and the figures stay as they were.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from './db.ts';
import { literal as L } from './literal.ts';

export const FUNNEL_STAGES = [
  'started',
  'consented',
  'eligibility',
  'booked',
  'attended',
  'did_not_attend',
  'applied',
  'shortlisted',
  'interviewed',
  'offered',
  'started_job',
  'handed_off',
  'erased',
] as const;
export const funnelStageSchema = z.enum(FUNNEL_STAGES);
export type FunnelStage = z.infer<typeof funnelStageSchema>;

/** Age bands the figures are cut by (never an exact age). */
export const AGE_BANDS = ['16-17', '18-24', '25-34', '35-49', '50-64', '65+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number] | 'under-16';

/** The band of an age, or of an asked age range when the whole range falls in one band. */
export function ageBandOf(age: number | { min: number; max: number } | undefined | null): AgeBand | null {
  if (age === undefined || age === null) return null;
  const band = (n: number): AgeBand => (n < 16 ? 'under-16' : n < 18 ? '16-17' : n < 25 ? '18-24' : n < 35 ? '25-34' : n < 50 ? '35-49' : n < 65 ? '50-64' : '65+');
  if (typeof age === 'number') return Number.isFinite(age) ? band(age) : null;
  const lo = band(age.min);
  return lo === band(age.max) ? lo : null;
}

/** What a stage adds to the conversation's dimensions (all optional; none of it personal). */
export interface FunnelDetail {
  programmeId?: string | null;
  partnerId?: string | null;
  vacancyId?: string | null;
  sessionId?: string | null;
  eligible?: boolean | null;
  rule?: string | null;
}

const INSERT_COLUMNS =
  'subject, stage, at, programme_id, partner_id, vacancy_id, session_id, eligible, rule, referral_code, ward_code, imd_decile, age_band, language';

/**
 * Records one stage of a consented conversation, with the dimensions it has now. Nothing is
 * written before consent (no reach row with a subject): only `started` counts then, anonymously.
 * The programme defaults to the session's course's (booked, attendance), else the conversation's
 * (set by the eligibility decision): read in the same statement, no query of its own.
 */
export async function recordFunnelEvent(db: Queryable, conversationId: string, stage: FunnelStage, at: Date, detail: FunnelDetail = {}): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO funnel_events (${INSERT_COLUMNS})
     SELECT r.subject, $2, $3,
            COALESCE($4, (SELECT c.programme_id FROM course_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $7), r.programme_id),
            $5, $6, $7, $8, $9, r.referral_code, r.ward_code, r.imd_decile, r.age_band, r.language
       FROM conversation_reach r WHERE r.conversation_id = $1 AND r.subject IS NOT NULL`,
    [
      conversationId,
      stage,
      at,
      detail.programmeId ?? null,
      detail.partnerId ?? null,
      detail.vacancyId ?? null,
      detail.sessionId ?? null,
      detail.eligible ?? null,
      detail.rule ?? null,
    ],
  );
  return rowCount > 0;
}

/** The place, age band and programme an eligibility decision learnt (after consent only). */
export async function setReachProfile(
  db: Queryable,
  conversationId: string,
  p: { wardCode?: string | null; imdDecile?: number | null; ageBand?: AgeBand | null; programmeId?: string | null },
): Promise<void> {
  await db.query(
    `UPDATE conversation_reach SET
       ward_code = COALESCE($2, ward_code), imd_decile = COALESCE($3, imd_decile),
       age_band = COALESCE($4, age_band), programme_id = COALESCE($5, programme_id)
     WHERE conversation_id = $1 AND subject IS NOT NULL`,
    [conversationId, p.wardCode ?? null, p.imdDecile ?? null, p.ageBand ?? null, p.programmeId ?? null],
  );
}

/** The start of the London day a time falls in (SQL), the resolution an erased resident's events keep. */
const LONDON_DAY = (col: string) => `(date_trunc('day', ${col} AT TIME ZONE 'Europe/London') AT TIME ZONE 'Europe/London')`;

/**
 * Erasure, for the figures. The link from the conversation to its subject (the reach row) goes;
 * the subject's events stay, so every count is unchanged, but they are moved to a fresh random
 * subject and their times to the start of their London day (figures count whole London days), so
 * nothing kept elsewhere with a time (the privacy audit's "erased at", a partner's audited status
 * change) can be matched to them to the second. The `erased` stage itself is a bare count for the
 * day: no subject, no referral route, ward, decile, age band or language.
 */
export async function eraseFromFigures(db: Queryable, conversationId: string, at: Date): Promise<void> {
  await db.query(
    `WITH r AS (DELETE FROM conversation_reach WHERE conversation_id = $1 RETURNING subject)
     UPDATE funnel_events f SET subject = $2::uuid, at = ${LONDON_DAY('f.at')}
       FROM r WHERE r.subject IS NOT NULL AND f.subject = r.subject`,
    [conversationId, randomUUID()],
  );
  await db.query(`INSERT INTO funnel_events (subject, stage, at) VALUES (NULL, 'erased', ${LONDON_DAY('$1::timestamptz')})`, [at]);
}

// ---- Statements that ride in a turn's commit batch (simple protocol: literals, no parameters) ----

/**
 * A new conversation: its reach row (referral code, if it names a live code, and language) and
 * the anonymous `started` count. An unknown or retired code counts as no route. A first turn that
 * already erased what it held ("delete my data", consent refused) counts the start and keeps no row.
 */
export function startedSql(conversationId: string, referralCode: string | null, language: string, at: Date, opts: { keepReach?: boolean } = {}): string {
  const code = referralCode ? `(SELECT code FROM referral_codes WHERE code = ${L(referralCode)} AND retired_at IS NULL)` : 'NULL';
  const reach =
    opts.keepReach === false
      ? ''
      : `INSERT INTO conversation_reach (conversation_id, referral_code, language, created_at) VALUES (${L(conversationId)}, ${code}, ${L(language)}, ${L(at)}) ON CONFLICT (conversation_id) DO NOTHING;\n`;
  return `${reach}INSERT INTO funnel_events (subject, stage, at, referral_code, language) VALUES (NULL, 'started', ${L(at)}, ${code}, ${L(language)});`;
}

/** A turn that erased what it held (consent refused): the conversation's reach row goes too. */
export function forgetReachSql(conversationId: string): string {
  return `DELETE FROM conversation_reach WHERE conversation_id = ${L(conversationId)};`;
}

/**
 * Consent to keep answers: the conversation gets its subject (once) and the `consented` event.
 * A conversation from before migration 090 gets its reach row here.
 */
export function consentedSql(conversationId: string, language: string, at: Date): string {
  const id = L(conversationId);
  return (
    `INSERT INTO conversation_reach (conversation_id, language, created_at) VALUES (${id}, ${L(language)}, ${L(at)}) ON CONFLICT (conversation_id) DO NOTHING;\n` +
    `WITH s AS (UPDATE conversation_reach SET subject = gen_random_uuid(), consented_at = ${L(at)}, language = ${L(language)} WHERE conversation_id = ${id} AND subject IS NULL RETURNING subject, referral_code, language)\n` +
    `INSERT INTO funnel_events (subject, stage, at, referral_code, language) SELECT subject, 'consented', ${L(at)}, referral_code, language FROM s;`
  );
}

/** The conversation's language changed: later events count in the new one. */
export function reachLanguageSql(conversationId: string, language: string): string {
  return `UPDATE conversation_reach SET language = ${L(language)} WHERE conversation_id = ${L(conversationId)};`;
}
