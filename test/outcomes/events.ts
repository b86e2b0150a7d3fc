/**
 * Writes funnel events, partners and referral codes straight into the tables for the outcomes
 * tests and the benchmark: multi-row INSERTs of a few thousand rows each, so 5,000 residents'
 * events go in within seconds.
 */
import type { Queryable } from '../../src/store/db.ts';
import type { FunnelStage } from '../../src/store/funnelEvents.ts';

export interface TestEvent {
  subject: string | null;
  stage: FunnelStage;
  at: Date;
  programmeId?: string | null;
  partnerId?: string | null;
  vacancyId?: string | null;
  sessionId?: string | null;
  eligible?: boolean | null;
  rule?: string | null;
  referralCode?: string | null;
  wardCode?: string | null;
  imdDecile?: number | null;
  ageBand?: string | null;
  language?: string | null;
}

const COLUMNS = ['subject', 'stage', 'at', 'programme_id', 'partner_id', 'vacancy_id', 'session_id', 'eligible', 'rule', 'referral_code', 'ward_code', 'imd_decile', 'age_band', 'language'];
const TYPES = ['uuid', 'text', 'timestamptz', 'text', 'text', 'text', 'text', 'boolean', 'text', 'text', 'text', 'smallint', 'text', 'text'];

/** Inserts events in batches; one array parameter per column (unnest), so any number of rows per statement. */
export async function insertEvents(db: Queryable, events: readonly TestEvent[], batch = 20_000): Promise<void> {
  for (let i = 0; i < events.length; i += batch) {
    const part = events.slice(i, i + batch);
    const cols: unknown[][] = [
      part.map((e) => e.subject),
      part.map((e) => e.stage),
      part.map((e) => e.at.toISOString()),
      part.map((e) => e.programmeId ?? null),
      part.map((e) => e.partnerId ?? null),
      part.map((e) => e.vacancyId ?? null),
      part.map((e) => e.sessionId ?? null),
      part.map((e) => e.eligible ?? null),
      part.map((e) => e.rule ?? null),
      part.map((e) => e.referralCode ?? null),
      part.map((e) => e.wardCode ?? null),
      part.map((e) => e.imdDecile ?? null),
      part.map((e) => e.ageBand ?? null),
      part.map((e) => e.language ?? null),
    ];
    await db.query(
      `INSERT INTO funnel_events (${COLUMNS.join(', ')}) SELECT * FROM unnest(${TYPES.map((t, j) => `$${j + 1}::${t}[]`).join(', ')})`,
      cols,
    );
  }
}

export async function insertPartners(db: Queryable, partners: ReadonlyArray<{ id: string; name: string }>): Promise<void> {
  for (const p of partners) await db.query('INSERT INTO partners (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [p.id, p.name]);
}

export async function insertReferralCodes(db: Queryable, codes: ReadonlyArray<{ code: string; partnerId: string; label: string }>): Promise<void> {
  for (const c of codes) await db.query('INSERT INTO referral_codes (code, partner_id, label) VALUES ($1, $2, $3)', [c.code, c.partnerId, c.label]);
}
