import path from 'node:path';
import { pino } from 'pino';
import { loadBankHolidays } from '../../../src/domain/handoffs/bankHolidays.ts';
import { createHandoffService, type HandoffServiceOptions } from '../../../src/domain/handoffs/createHandoffService.ts';
import { loadHandoffText } from '../../../src/domain/handoffs/handoffText.ts';
import { DEFAULT_OFFICE_HOURS_JSON, officeHoursSettingSchema } from '../../../src/domain/handoffs/officeHours.ts';
import type { Reply } from '../../../src/engine/reply.ts';
import type { Db, Queryable } from '../../../src/store/db.ts';
import { listMessages } from '../../../src/store/messages.ts';

export const silent = pino({ level: process.env.TEST_LOG ?? 'silent' });
export const text = loadHandoffText(path.resolve('locales'));
export const calendar = { hours: officeHoursSettingSchema.parse(DEFAULT_OFFICE_HOURS_JSON), holidays: loadBankHolidays() };

/** Tuesday 14 July 2026, 11:00 in London: open. */
export const OPEN_NOW = new Date('2026-07-14T10:00:00Z');
/** Saturday 18 July 2026, 11:00 in London: closed. */
export const CLOSED_NOW = new Date('2026-07-18T10:00:00Z');

/** A conversation with a few transcript messages, as the engine would have written them. */
export async function seedConversation(db: Queryable, id: string, opts: { locale?: string; inbound?: string[] } = {}): Promise<void> {
  const inbound = opts.inbound ?? ['I need help with my application'];
  await db.query(`INSERT INTO conversations (id, channel, user_id, locale, last_seq) VALUES ($1, 'test', 'u1', $2, $3)`, [
    id,
    opts.locale ?? 'en',
    inbound.length,
  ]);
  for (const [i, t] of inbound.entries()) {
    await db.query(`INSERT INTO messages (conversation_id, seq, direction, activity_id, body) VALUES ($1, $2, 'in', $3, $4)`, [
      id,
      i + 1,
      `a${i + 1}`,
      JSON.stringify({ text: t }),
    ]);
  }
}

/** Adds one inbound message and returns its seq (what the engine does before calling relayResidentMessage). */
export async function addInbound(db: Queryable, id: string, t: string): Promise<number> {
  const { rows } = await db.query<{ last_seq: number }>(`UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq`, [id]);
  const seq = Number(rows[0]!.last_seq);
  await db.query(`INSERT INTO messages (conversation_id, seq, direction, activity_id, body) VALUES ($1, $2, 'in', $3, $4)`, [
    id,
    seq,
    `a${seq}`,
    JSON.stringify({ text: t }),
  ]);
  return seq;
}

/** What the resident has been sent since `afterSeq`: the outbound lines of their transcript, oldest first. */
export async function residentSaw(db: Queryable, conversationId: string, afterSeq = 0): Promise<Reply[]> {
  const rows = await listMessages(db, conversationId, afterSeq, 500);
  return rows.flatMap((m) => (m.direction === 'out' ? [m.body] : []));
}

export function makeService(db: Db, over: Partial<HandoffServiceOptions> = {}) {
  const service = createHandoffService({
    db,
    text,
    calendar,
    escalationMinutes: 15,
    channelConnected: true,
    logger: silent,
    now: () => OPEN_NOW,
    ...over,
  });
  return { service };
}

/** Runs `fn` as a turn would: in one transaction, as the engine does. */
export function inTurn<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(fn);
}

/** The handoff events waiting for (or given to) the adviser channel, oldest first. */
export async function events(db: Queryable, handoffId: number): Promise<string[]> {
  const { rows } = await db.query<{ type: string }>(`SELECT type FROM handoff_outbox WHERE handoff_id = $1 ORDER BY id`, [handoffId]);
  return rows.map((r) => r.type);
}

export async function ownerOf(db: Queryable, conversationId: string): Promise<string> {
  const { rows } = await db.query<{ owner: string }>(`SELECT owner FROM conversations WHERE id = $1`, [conversationId]);
  return rows[0]!.owner;
}
