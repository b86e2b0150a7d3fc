import type { FlowFiles } from '../flowFiles.ts';
import type { Problem } from '../problem.ts';

/**
 * The release contracts (issue 13), kept in the flows room because src/flows/releases implements
 * them and may not import the studio; src/studio/ports.ts re-exports them under the same names.
 */

/** A checker finding, with `file` as a FlowFiles path, and `suggestion`: the nearest known name for an unknown one ("did you mean"), which the editor can put in its place. */
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

/** A release with its files. */
export type Release = ReleaseSummary & { files: FlowFiles };

/** Why a publish was refused (nothing changed). */
export interface PublishRefusal {
  problems?: StudioProblem[];
  failedTests?: Array<{ file: string; message: string }>;
  impact?: LiveImpact;
}

/** What changed between two file sets, per file, readable by a coordinator. */
export interface FilesDiff {
  files: Array<{
    path: string;
    status: 'added' | 'removed' | 'changed';
    /** Unified diff of the file's text. */
    patch: string;
    /** For flow files: the steps added, removed or changed. */
    steps?: Array<{ flowId: string; step: string; change: 'added' | 'removed' | 'changed' }>;
    /** For locale files: the wording keys added, removed or changed. */
    keys?: Array<{ lang: string; key: string; change: 'added' | 'removed' | 'changed'; before?: string; after?: string }>;
  }>;
}

/**
 * Published versions of the whole file set (implemented in src/flows/releases/ by the releases
 * part; the studio's API and the CLI call it). One release is live; publishing is atomic across
 * processes (the live row is locked, NOTIFY tells every process, and each turn checks the live
 * release id in its first round trip).
 */
export interface Releases {
  live(): Promise<Release>;
  list(limit?: number): Promise<ReleaseSummary[]>;
  get(id: number): Promise<Release | undefined>;
  /** The loader's and checker's findings on a file set (nothing is stored). */
  check(files: FlowFiles): Promise<StudioProblem[]>;
  /** What making `files` live would do to residents mid-conversation now. */
  impact(files: FlowFiles): Promise<LiveImpact>;
  /**
   * Makes `files` the live release if the checker finds no error, every flow test in
   * `flows/tests/` passes on them, and no resident would be orphaned without `orphanPolicy`.
   */
  publish(
    files: FlowFiles,
    o: { source: ReleaseSummary['source']; by: string; note: string; orphanPolicy?: OrphanPolicy; revertOf?: number },
  ): Promise<{ ok: true; release: ReleaseSummary } | ({ ok: false } & PublishRefusal)>;
  diff(from: FlowFiles, to: FlowFiles): FilesDiff;
}
