import type { Queryable } from '../../store/db.ts';
import { type AuditEntry, insertAudit, selectAudit } from '../../store/handoffAudit.ts';

export type { AuditAction, AuditEntry } from '../../store/handoffAudit.ts';

/** Records who did what to which conversation (an adviser's id, or `resident`). Never the message text. */
export function recordAudit(db: Queryable, e: AuditEntry): Promise<void> {
  return insertAudit(db, e);
}

/** The audit trail of one conversation, oldest first (`anchorline audit --conversation <id>`). */
export function listAudit(db: Queryable, conversationId: string): Promise<AuditEntry[]> {
  return selectAudit(db, conversationId);
}

/** One line per entry for `anchorline audit --conversation <id>`. */
export function formatAudit(entries: AuditEntry[]): string {
  if (entries.length === 0) return 'No adviser activity recorded for this conversation.';
  return entries.map((e) => `${e.at.toISOString()}  ${e.action.padEnd(13)}  ${e.adviserId}${e.handoffId === null ? '' : `  handoff ${e.handoffId}`}`).join('\n');
}
