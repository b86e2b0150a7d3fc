import type { Queryable } from '../../store/db.ts';
import { differences, type SeedConflict, type SeedMode, type Shown } from './seedConflict.ts';

/** What seedRows needs of a table's repository. */
export interface SeedableRepo<T> {
  insertIfMissing(tx: Queryable, row: T): Promise<boolean>;
  update(tx: Queryable, row: T): Promise<void>;
  byIds(tx: Queryable, ids: string[], opts: { lock?: boolean }): Promise<T[]>;
}

/**
 * Seeds rows that only the file writes (courses, partners, vacancies): inserts the new
 * ones; an existing row that differs is updated with mode 'applyFile', otherwise reported
 * in `ctx.conflicts`. `fields` shows a row as the file names its fields.
 */
export async function seedRows<T extends { id: string }>(
  tx: Queryable,
  rows: T[],
  repo: SeedableRepo<T>,
  fields: (row: T) => Record<string, Shown>,
  ctx: { mode: SeedMode; file: string; kind: SeedConflict['kind']; conflicts: SeedConflict[] },
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
    if (ctx.mode === 'applyFile') {
      await repo.update(tx, r);
      updated++;
    } else {
      ctx.conflicts.push({ file: ctx.file, kind: ctx.kind, id: r.id, differences: diffs, reason: 'startUpKeepsDatabase' });
    }
  }
  return { added: ctx.mode === 'check' ? ids.length - stored.size : added.size, updated };
}
