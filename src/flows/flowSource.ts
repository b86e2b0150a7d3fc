import type { Queryable } from '../store/db.ts';
import type { FlowSet } from './catalog.ts';
import type { CompiledFlow } from './compile.ts';

/**
 * What a turn reads flows from: the live catalog (releases, switched across processes), or a
 * fixed set (the studio's preview of a draft). The engine depends on this, not on the catalog.
 */
export interface FlowSource {
  /** The set new conversations and live-version conversations use now. */
  readonly current: FlowSet;
  /** A flow at a given version: live, cached, or rebuilt from its stored text (read through `q`). */
  get(id: string, version: string, q?: Queryable): Promise<CompiledFlow | undefined>;
  /**
   * The live release id the turn read in its first round trip (through `q`, the turn's
   * transaction): a source that follows releases switches to it before the turn reads `current`.
   * A fixed source has none.
   */
  atRelease?(releaseId: number | null, q: Queryable): Promise<void>;
}
