import type { FlowFiles } from '../flows/flowFiles.ts';

/**
 * The coordinator studio's contracts (issue 13): what its parts give each other and what the
 * browser reads. Every JSON route lives under /studio/api and answers errors as
 * `{ error: { code, message, ...detail } }` (src/errors.ts), like every other route.
 */

export type { FlowFiles } from '../flows/flowFiles.ts';

/** Paths a translator may change: wording only. Coordinators may change every path. */
export const isWordingPath = (path: string): boolean => /^locales\/[a-z]{2,3}(-[A-Za-z]{2,4})?\/[a-z][a-z0-9_-]*\.json$/.test(path);
/** Paths that may be created or removed in a draft (flows come and go; other files stay). */
export const isFlowPath = (path: string): boolean => /^flows\/[a-z][a-z0-9_]*\.flow\.yaml$/.test(path);

/** The one shared draft every coordinator and translator edits (GET /studio/api/draft). */
export interface Draft {
  /**
   * Rises by one with every save. A save (PUT /studio/api/draft/files `{ revision, files, base? }`)
   * names the revision it was made on and, in `base`, the text each file it saves had when the
   * client read it: the server refuses (409 draft_conflict naming the paths and who saved last)
   * only when one of those files changed since, and otherwise saves on top of the newer revision,
   * so two people editing different files both save. Without `base`, any save since is a conflict.
   */
  revision: number;
  /** The release the draft started from. */
  baseRelease: number;
  files: FlowFiles;
  /** Paths that differ from the live release. */
  changed: string[];
  updatedBy: string | null;
  updatedAt: string;
}

export type {
  FilesDiff,
  LiveImpact,
  OrphanPolicy,
  PublishRefusal,
  Release,
  Releases,
  ReleaseSummary,
  StudioProblem,
} from '../flows/releases/releaseTypes.ts';
