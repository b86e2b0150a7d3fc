import { courseSessionsRepo } from '../../store/courses/courseSessionsRepo.ts';
import type { Queryable } from '../../store/db.ts';
import { toSessionSummary, type SessionSummary } from './sessionSummary.ts';

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
  const rows = await courseSessionsRepo.list(db, {
    programmeId: q.programmeId,
    after: q.now,
    language: q.language,
    includeFull: q.includeFull ?? false,
    limit: q.limit ?? 10,
  });
  return rows.map(toSessionSummary);
}

export async function getSession(db: Queryable, sessionId: string): Promise<SessionSummary | undefined> {
  const row = await courseSessionsRepo.get(db, sessionId);
  return row ? toSessionSummary(row) : undefined;
}
