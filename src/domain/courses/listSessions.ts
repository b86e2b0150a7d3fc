import type { Queryable } from '../../store/db.ts';
import { SESSION_COLUMNS, toSessionSummary, type SessionSummary } from './sessionSummary.ts';

export interface ListSessionsQuery {
  programmeId: string;
  now: Date;
  /** Only sessions whose course supports this language. */
  language?: string;
  /** Include full sessions (a resident may join the waiting list). */
  includeFull?: boolean;
  limit?: number;
}

/** Upcoming sessions of a programme, soonest first, with the seats left. */
export async function listSessions(db: Queryable, q: ListSessionsQuery): Promise<SessionSummary[]> {
  const { rows } = await db.query(
    `SELECT ${SESSION_COLUMNS}
     FROM course_sessions s JOIN courses c ON c.id = s.course_id
     WHERE c.programme_id = $1 AND s.starts_at > $2
       AND ($3::text IS NULL OR $3 = ANY (c.languages))
       AND ($4 OR s.taken < s.capacity)
     ORDER BY s.starts_at, s.id
     LIMIT $5`,
    [q.programmeId, q.now, q.language ?? null, q.includeFull ?? false, q.limit ?? 10],
  );
  return rows.map(toSessionSummary);
}

export async function getSession(db: Queryable, sessionId: string): Promise<SessionSummary | undefined> {
  const { rows } = await db.query(
    `SELECT ${SESSION_COLUMNS} FROM course_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $1`,
    [sessionId],
  );
  return rows[0] ? toSessionSummary(rows[0]) : undefined;
}
