import type { PreviewSession } from './PreviewSession.ts';

/** How many previews one member of staff keeps at once; starting another drops the least recently used. */
export const PREVIEWS_PER_STAFF = 3;
/** A preview nobody has used for this long is dropped. */
export const PREVIEW_IDLE_MS = 30 * 60_000;

/**
 * The open previews, per member of staff, in this process's memory only (a preview is never
 * stored). Lookups are per staff member, so nobody reaches another person's preview.
 */
export class PreviewSessions {
  readonly #byStaff = new Map<string, Map<string, PreviewSession>>();

  constructor(
    readonly opts: { perStaff?: number; idleMs?: number; now?: () => number } = {},
  ) {}

  #now(): number {
    return (this.opts.now ?? Date.now)();
  }

  #sweep(): void {
    const idleBefore = this.#now() - (this.opts.idleMs ?? PREVIEW_IDLE_MS);
    for (const [staff, sessions] of this.#byStaff) {
      for (const [id, s] of sessions) if (s.lastUsed < idleBefore) sessions.delete(id);
      if (!sessions.size) this.#byStaff.delete(staff);
    }
  }

  add(staffId: string, session: PreviewSession): void {
    this.#sweep();
    const mine = this.#byStaff.get(staffId) ?? new Map<string, PreviewSession>();
    this.#byStaff.set(staffId, mine);
    session.lastUsed = this.#now();
    mine.set(session.id, session);
    const limit = this.opts.perStaff ?? PREVIEWS_PER_STAFF;
    while (mine.size > limit) {
      const oldest = [...mine.values()].reduce((a, b) => (a.lastUsed <= b.lastUsed ? a : b));
      mine.delete(oldest.id);
    }
  }

  get(staffId: string, id: string): PreviewSession | undefined {
    this.#sweep();
    const s = this.#byStaff.get(staffId)?.get(id);
    if (s) s.lastUsed = this.#now();
    return s;
  }

  delete(staffId: string, id: string): boolean {
    return this.#byStaff.get(staffId)?.delete(id) ?? false;
  }

  count(staffId: string): number {
    this.#sweep();
    return this.#byStaff.get(staffId)?.size ?? 0;
  }
}
