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
  /** Rises by one with every save; a save names the revision it was made on (else 409 draft_conflict). */
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
