import type { Queryable } from '../../store/db.ts';
import { differences, type ConflictReason, type SeedConflict, type SeedMode, type Shown } from './seedConflict.ts';

/** What seedRows needs of a table's repository: stored rows (S) may say more than the file's (T), such as who wrote them. */
export interface SeedableRepo<T, S extends T = T> {
  insertIfMissing(tx: Queryable, row: T): Promise<boolean>;
  update(tx: Queryable, row: T): Promise<void>;
  byIds(tx: Queryable, ids: string[], opts: { lock?: boolean }): Promise<S[]>;
}

/**
 * Seeds rows that only the file writes (courses, partners, vacancies): inserts the new
 * ones; an existing row that differs is updated with mode 'applyFile', otherwise reported
 * in `ctx.conflicts`. `fields` shows a row as the file names its fields. `kept` names why a
 * stored row is never overwritten, whatever the mode (it was changed in the studio).
 */
export async function seedRows<T extends { id: string }, S extends T = T>(
  tx: Queryable,
  rows: T[],
  repo: SeedableRepo<T, S>,
  fields: (row: T) => Record<string, Shown>,
  ctx: { mode: SeedMode; file: string; kind: SeedConflict['kind']; conflicts: SeedConflict[]; kept?: (stored: S) => ConflictReason | undefined },
): Promise<{ added: number; updated: number }> {
  const added = new Set<string>();
  if (ctx.mode !== 'check') for (const r of rows) if (await repo.insertIfMissing(tx, r)) added.add(r.id);
  const ids = rows.map((r) => r.id).filter((id) => !added.has(id));
  const stored = new Map((await repo.byIds(tx, ids, { lock: ctx.mode === 'applyFile' })).map((r) => [r.id, r]));
  let updated = 0;
  for (const r of rows) {
    const before = stored.get(r.id);
    if (!before) continue;
    const diffs = differences(fields(r), fields(before));
    if (diffs.length === 0) continue;
    const kept = ctx.kept?.(before);
    if (kept) {
      ctx.conflicts.push({ file: ctx.file, kind: ctx.kind, id: r.id, differences: diffs, reason: kept });
    } else if (ctx.mode === 'applyFile') {
      await repo.update(tx, r);
      updated++;
    } else {
      ctx.conflicts.push({ file: ctx.file, kind: ctx.kind, id: r.id, differences: diffs, reason: 'startUpKeepsDatabase' });
    }
  }
  return { added: ctx.mode === 'check' ? ids.length - stored.size : added.size, updated };
}
