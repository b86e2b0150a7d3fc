import type { Queryable, Row, Tx } from './db.ts';
import { LIVE_RELEASE_SQL } from './flowReleases.ts';
import { literal as L } from './literal.ts';

export interface ConversationRow {
  id: string;
  channel: string;
  user_id: string;
  flow_id: string | null;
  flow_version: string | null;
  snapshot: unknown;
  locale: string;
  owner: 'bot' | 'person';
  status: 'active' | 'ended';
  consent: boolean;
  last_seq: number;
  turns: number;
  last_activity_at: Date;
  created: boolean;
}

export interface Loaded {
  conversation: ConversationRow;
  /** Replies stored for this activity id when it was handled before. */
  duplicateReplies: unknown[] | undefined;
  /** The live flow release (null before the first): the turn runs on it. */
  liveRelease: number | null;
}

/**
 * Round trip 1 of a turn, in its transaction (BEGIN rides along): create the conversation if
 * new, read and lock its row (turns of one conversation never interleave, across processes too),
 * look the activity id up, and read the live flow release id. One multi-statement request.
 */
export async function loadForTurn(
  tx: Tx,
  t: { conversationId: string; channel: string; userId: string; locale: string; activityId: string },
): Promise<Loaded> {
  const id = L(t.conversationId);
  const results = await tx.multi(
    `INSERT INTO conversations (id, channel, user_id, locale) VALUES (${id}, ${L(t.channel)}, ${L(t.userId)}, ${L(t.locale)})
       ON CONFLICT (id) DO NOTHING;
     SELECT id, channel, user_id, flow_id, flow_version, snapshot, locale, owner, status, consent, last_seq, turns,
            last_activity_at, (turns = 0 AND snapshot IS NULL) AS created
       FROM conversations WHERE id = ${id} FOR UPDATE;
     SELECT replies FROM processed_activities WHERE conversation_id = ${id} AND activity_id = ${L(t.activityId)};
     ${LIVE_RELEASE_SQL};`,
  );
  const conv = results[results.length - 3]!.rows[0] as unknown as ConversationRow | undefined;
  if (!conv) throw new Error(`conversation ${t.conversationId} vanished`);
  const dup = results[results.length - 2]!.rows[0] as Row | undefined;
  const live = results[results.length - 1]!.rows[0]?.release_id;
  return {
    conversation: { ...conv, last_seq: Number(conv.last_seq) },
    duplicateReplies: dup ? (dup.replies as unknown[]) : undefined,
    liveRelease: live === null || live === undefined ? null : Number(live),
  };
}

export interface TurnWrite {
  conversationId: string;
  activityId: string;
  /** Only the fields that change. */
  set: {
    snapshot?: unknown;
    flowId?: string | null;
    flowVersion?: string | null;
    locale?: string;
    status?: 'active' | 'ended';
    consent?: boolean;
    owner?: 'bot' | 'person';
    /** Erasure: the channel's address and user id go. */
    wipeIdentity?: boolean;
  };
  lastSeq: number;
  /** When the resident spoke (drives the inactivity welcome-back). */
  at: Date;
  replies: unknown[];
  /** Messages to append: inbound first, then replies. */
  messages: Array<{ seq: number; direction: 'in' | 'out'; activityId: string | null; body: unknown }>;
  /** Erase the transcript before writing (delete my data, consent refused). */
  eraseMessages?: boolean;
  notifyChannel: string;
  /**
   * Further statements of this turn that ride in the same commit (built by store modules with
   * literals only, e.g. funnelEvents.ts `startedSql`): they cost no round trip of their own.
   */
  extraSql?: string[];
}

/** Round trip 2: everything the turn changed, and COMMIT in the same request. */
export async function writeTurn(tx: Tx, w: TurnWrite): Promise<void> {
  const id = L(w.conversationId);
  const sets: string[] = [`last_seq = ${L(w.lastSeq)}`, 'turns = turns + 1', `last_activity_at = ${L(w.at)}`];
  const s = w.set;
  if ('snapshot' in s) sets.push(`snapshot = ${s.snapshot === null ? 'NULL' : L(s.snapshot)}`);
  if ('flowId' in s) sets.push(`flow_id = ${L(s.flowId)}`);
  if ('flowVersion' in s) sets.push(`flow_version = ${L(s.flowVersion)}`);
  if (s.locale) sets.push(`locale = ${L(s.locale)}`);
  if (s.status) sets.push(`status = ${L(s.status)}`);
  if (s.consent !== undefined) sets.push(`consent = ${L(s.consent)}`);
  if (s.owner) sets.push(`owner = ${L(s.owner)}`);
  if (s.wipeIdentity) sets.push(`address = NULL, user_id = ''`);
  const parts: string[] = [];
  if (w.eraseMessages) parts.push(`DELETE FROM messages WHERE conversation_id = ${id}; DELETE FROM processed_activities WHERE conversation_id = ${id};`);
  parts.push(`UPDATE conversations SET ${sets.join(', ')} WHERE id = ${id};`);
  if (w.extraSql?.length) parts.push(...w.extraSql);
  parts.push(
    `INSERT INTO processed_activities (conversation_id, activity_id, replies) VALUES (${id}, ${L(w.activityId)}, ${L(w.replies)}) ON CONFLICT DO NOTHING;`,
  );
  if (w.messages.length) {
    parts.push(
      `INSERT INTO messages (conversation_id, seq, direction, activity_id, body) VALUES ${w.messages
        .map((m) => `(${id}, ${L(m.seq)}, ${L(m.direction)}, ${L(m.activityId)}, ${L(m.body)})`)
        .join(', ')};`,
    );
    // `<conversationId> <lastSeq>` (engine/port.ts MESSAGES_CHANNEL): a stream already there reads nothing.
    parts.push(`SELECT pg_notify(${L(w.notifyChannel)}, ${L(`${w.conversationId} ${w.lastSeq}`)});`);
  }
  await tx.commitWith(parts.join('\n'));
}

/** Appends replies outside a turn (adviser relay, reminders); returns their seq numbers. */
export async function appendReplies(conn: Queryable, conversationId: string, bodies: unknown[], notifyChannel: string): Promise<number[]> {
  const { rows } = await conn.query<{ last_seq: number }>(
    'UPDATE conversations SET last_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq',
    [conversationId, bodies.length],
  );
  const last = rows[0]?.last_seq;
  if (last === undefined) throw new Error(`no conversation ${conversationId}`);
  const first = Number(last) - bodies.length + 1;
  const seqs = bodies.map((_, i) => first + i);
  for (const [i, body] of bodies.entries()) {
    await conn.query(`INSERT INTO messages (conversation_id, seq, direction, body) VALUES ($1, $2, 'out', $3)`, [
      conversationId,
      seqs[i],
      JSON.stringify(body),
    ]);
  }
  await conn.query('SELECT pg_notify($1, $2)', [notifyChannel, `${conversationId} ${seqs.at(-1) ?? last}`]);
  return seqs;
}

/**
 * Locks the conversation's row for the rest of the transaction (adviser actions take it
 * first, like a turn does, so the two never deadlock). False when there is no such row.
 */
export async function lockConversation(conn: Queryable, conversationId: string): Promise<boolean> {
  const { rowCount } = await conn.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
  return rowCount > 0;
}

/** Who answers the resident: the flow ('bot') or an adviser ('person'); `ended` also ends the conversation. */
export async function setOwner(conn: Queryable, conversationId: string, owner: 'bot' | 'person', opts: { ended?: boolean } = {}): Promise<void> {
  await conn.query(`UPDATE conversations SET owner = $2${opts.ended ? `, status = 'ended'` : ''} WHERE id = $1`, [conversationId, owner]);
}

/** The newest message number (0 when none, or no such conversation). */
export async function lastSeqOf(conn: Queryable, conversationId: string): Promise<number> {
  const { rows } = await conn.query<{ last_seq: number }>('SELECT last_seq FROM conversations WHERE id = $1', [conversationId]);
  return Number(rows[0]?.last_seq ?? 0);
}

// Bot Framework: `conversations.address` is the conversation reference a proactive reply is sent to.

/** A conversation reference without the display names a channel puts in it (not needed to reply). */
function withoutNames(address: unknown): unknown {
  if (!address || typeof address !== 'object' || Array.isArray(address)) return address;
  const out: Record<string, unknown> = { ...(address as Record<string, unknown>) };
  for (const k of ['user', 'conversation', 'bot']) {
    const part = out[k];
    if (part && typeof part === 'object' && !Array.isArray(part)) {
      const { name: _name, aadObjectId: _aad, ...rest } = part as Record<string, unknown>;
      out[k] = rest;
    }
  }
  return out;
}

/**
 * Stores the reference (only when it changed), without display names. Only while the resident
 * has consented or a person is helping them: after "delete my data" (consent withdrawn) nothing
 * of the channel's is kept.
 */
export async function saveAddress(db: Queryable, conversationId: string, address: unknown): Promise<void> {
  await db.query(
    `UPDATE conversations SET address = $2::jsonb WHERE id = $1 AND (consent OR owner = 'person') AND address IS DISTINCT FROM $2::jsonb`,
    [conversationId, JSON.stringify(withoutNames(address))],
  );
}

export async function loadAddress(db: Queryable, conversationId: string): Promise<unknown> {
  const { rows } = await db.query<{ address: unknown }>(`SELECT address FROM conversations WHERE id = $1`, [conversationId]);
  return rows[0]?.address ?? null;
}

// Retention. A conversation idle past the limit is erased whoever owns it: an open handoff that
// nobody took up in all that time is closed as erased by the handoff eraser in the same transaction.

/** Up to `limit` conversations idle since before `idleBefore`, longest idle first. */
export async function idleConversationIds(db: Queryable, idleBefore: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM conversations WHERE last_activity_at < $1 ORDER BY last_activity_at LIMIT $2`,
    [idleBefore, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * Locks the conversation if it is still idle (the resident may have come back since it was
 * listed); false when it is not. Inside the transaction that deletes it.
 */
export async function lockIfStillIdle(tx: Queryable, id: string, idleBefore: Date): Promise<boolean> {
  const { rowCount } = await tx.query(`SELECT 1 FROM conversations WHERE id = $1 AND last_activity_at < $2 FOR UPDATE`, [id, idleBefore]);
  return rowCount > 0;
}

/**
 * Erasure of the conversation's own data (its row stays, ended, so the channel can go on):
 * transcript, dedupe records with their replies, answers (the snapshot), the channel address
 * and the channel's user id.
 */
export async function wipeConversation(tx: Queryable, id: string): Promise<void> {
  await tx.query('DELETE FROM messages WHERE conversation_id = $1', [id]);
  await tx.query('DELETE FROM processed_activities WHERE conversation_id = $1', [id]);
  await tx.query(
    `UPDATE conversations SET snapshot = NULL, flow_id = NULL, flow_version = NULL, address = NULL, user_id = '', consent = false,
            status = 'ended', owner = 'bot' WHERE id = $1`,
    [id],
  );
}

/** Deletes the conversation; its transcript, dedupe records and handoffs go with it (ON DELETE CASCADE). */
export async function deleteConversation(tx: Queryable, id: string): Promise<boolean> {
  return (await tx.query('DELETE FROM conversations WHERE id = $1', [id])).rowCount > 0;
}

/** Where a conversation's flow stands, read outside a turn (an adviser's "Return to bot" repeats its question). */
export async function readFlowPosition(
  db: Queryable,
  conversationId: string,
): Promise<{ id: string; flow_id: string | null; flow_version: string | null; snapshot: unknown; locale: string; status: string } | undefined> {
  const { rows } = await db.query<{ id: string; flow_id: string | null; flow_version: string | null; snapshot: unknown; locale: string; status: string }>(
    'SELECT id, flow_id, flow_version, snapshot, locale, status FROM conversations WHERE id = $1',
    [conversationId],
  );
  return rows[0];
}
