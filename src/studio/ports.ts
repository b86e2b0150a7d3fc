import type { Problem } from '../flows/problem.ts';

/**
 * The coordinator studio's contracts (issue 13): what its parts give each other and what the
 * browser reads. Every JSON route lives under /studio/api and answers errors as
 * `{ error: { code, message, ...detail } }` (src/errors.ts), like every other route.
 */

/**
 * A complete, editable set of conversation content, by path relative to the project:
 * `flows/<id>.flow.yaml`, `flows/commands.yaml`, `flows/readability-allow.yaml` and
 * `locales/<lang>/<namespace>.json`. A release and the draft are each one of these.
 * Programme data (courses, partners, programmes) is not in it: it lives in database tables and
 * is edited on the data pages.
 */
export type FlowFiles = Record<string, string>;

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

/** A checker finding, with `file` as a FlowFiles path, and a "did you mean" when there is one. */
export type StudioProblem = Problem & { suggestion?: string };

/** One published version of the whole file set (GET /studio/api/releases). */
export interface ReleaseSummary {
  id: number;
  /** `files`: the shipped folder at start-up or the dev watcher; `studio`: published in the browser; `import`: `flows import`; `revert`: a revert to `revertOf`. */
  source: 'files' | 'studio' | 'import' | 'revert';
  revertOf: number | null;
  createdBy: string;
  createdAt: string;
  note: string;
  /** Flow versions it made live, `main@3f2a…`. */
  flows: string[];
  live: boolean;
}

/** What publishing the draft would do to residents mid-conversation (GET /studio/api/draft/report). */
export interface LiveImpact {
  live: number;
  /** Per flow, version and step where residents wait now. */
  groups: Array<{
    flowId: string;
    version: string;
    step: string;
    residents: number;
    /** `unchanged`: the step is the same in the draft; `stays`: carries on with its own version until done; `migrates`: a declared migration moves it to `to`; `orphaned`: cannot carry on. */
    outcome: 'unchanged' | 'stays' | 'migrates' | 'orphaned';
    to?: string;
    reason?: string;
  }>;
  orphaned: number;
}

/** How a publish treats residents who would be orphaned; required when `LiveImpact.orphaned > 0`. */
export type OrphanPolicy = 'handoff' | 'restart';
