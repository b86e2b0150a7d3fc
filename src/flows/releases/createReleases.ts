import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { ActionRegistry } from '../../engine/actions.ts';
import type { Db } from '../../store/db.ts';
import { migrate } from '../../store/migrate.ts';
import { Mutex } from '../../store/mutex.ts';
import { PgliteDb } from '../../store/pgliteDriver.ts';
import { findRelease, listReleases, liveReleaseId, type ReleaseRow } from '../../store/flowReleases.ts';
import { loadFlowSetFromFiles, type FlowCatalog, type LoadResult } from '../catalog.ts';
import { isFlowFilesPath, type FlowFiles } from '../flowFiles.ts';
import { liveImpact } from '../checkLiveConversations.ts';
import { hasErrors } from '../problem.ts';
import { commitRelease } from './commitRelease.ts';
import { diffFiles } from './diffFiles.ts';
import { filesHash } from './filesHash.ts';
import type { Release, Releases, ReleaseSummary } from './releaseTypes.ts';
import { runFlowTestsOn } from './runFlowTestsOn.ts';
import { withSuggestions } from './withSuggestions.ts';

export interface ReleasesDeps {
  db: Db;
  /** The live catalog: it switches when a publish goes through, and holds the versions conversations run on. */
  catalog: FlowCatalog;
  logger: Logger;
  /** Default: the catalog's. */
  actions?: ActionRegistry;
  /** Where programme data names are read from; default: the catalog's. */
  flowsDir?: string;
  /** The flow a conversation starts (START_FLOW), for the flow tests; default `main`. */
  startFlow?: string;
  /** The throwaway database flow tests run on; default: one in-memory PGlite, opened at the first publish. */
  scratch?: () => Promise<Db>;
}

const publishOptions = z.strictObject({
  source: z.enum(['files', 'studio', 'import', 'revert']),
  by: z.string().trim().min(1).max(200),
  note: z.string().max(2000),
  orphanPolicy: z.enum(['handoff', 'restart']).optional(),
  revertOf: z.number().int().positive().optional(),
});

/** Paths that do not belong in a file set, as problems (a set with one is never published). */
function strayPaths(files: FlowFiles): LoadResult | undefined {
  const stray = Object.keys(files).filter((p) => !isFlowFilesPath(p));
  if (!stray.length) return undefined;
  return {
    ok: false,
    problems: stray.map((file) => ({ severity: 'error', code: 'path', file, line: 1, col: 1, path: '', message: `"${file}" is not a flow, test, commands or wording file` })),
  };
}

const summaryOf = (r: ReleaseRow): ReleaseSummary => ({
  id: r.id,
  source: r.source,
  revertOf: r.revert_of,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  note: r.note,
  flows: r.flows,
  live: r.live,
});

/**
 * Published versions of the whole flow file set (see `Releases`). A publish is refused, with
 * nothing changed, when the checker finds an error, a flow test fails, or a resident would be
 * orphaned without a policy; otherwise one transaction makes it live in every process.
 */
export function createReleases(deps: ReleasesDeps): Releases & { close(): Promise<void> } {
  const { db, catalog, logger } = deps;
  // Opening PGlite costs seconds, so one scratch database serves every publish of this process,
  // one publish's flow tests at a time.
  let scratchDb: Promise<Db> | undefined;
  const openScratch = deps.scratch ?? (() => PgliteDb.open().then(async (d) => (await migrate(d), d)));
  const scratch = () =>
    (scratchDb ??= openScratch().catch((err: unknown) => {
      scratchDb = undefined;
      throw err;
    }));
  const testing = new Mutex();
  const actions = deps.actions ?? catalog.opts.actions;
  const flowsDir = deps.flowsDir ?? catalog.opts.flowsDir;
  const load = async (files: FlowFiles): Promise<LoadResult> => strayPaths(files) ?? loadFlowSetFromFiles(files, { flowsDir, actions });

  const get = async (id: number): Promise<Release | undefined> => {
    const r = await findRelease(db, id);
    return r ? { ...summaryOf(r), files: r.files } : undefined;
  };

  const releases: Releases & { close(): Promise<void> } = {
    async live() {
      const id = await liveReleaseId(db);
      const r = id === null ? undefined : await get(id);
      if (!r) throw new AppError('release_not_found', 'no flow release is live yet (the catalog publishes the flows folder at start)');
      return r;
    },
    async list(limit = 50) {
      return (await listReleases(db, Math.max(1, Math.min(500, Math.trunc(limit))))).map(summaryOf);
    },
    get,
    async check(files) {
      const r = await load(files);
      return withSuggestions(r.ok ? r.set.warnings : r.problems, files);
    },
    async impact(files) {
      const r = await load(files);
      if (!r.ok) return { live: 0, groups: [], orphaned: 0 };
      return liveImpact(db, r.set, catalog, actions);
    },
    async publish(files, raw) {
      const parsed = publishOptions.safeParse(raw);
      if (!parsed.success) throw new AppError('bad_request', `publish: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const o = parsed.data;
      const r = await load(files);
      if (!r.ok || hasErrors(r.set.warnings)) return { ok: false, problems: withSuggestions(r.ok ? r.set.warnings : r.problems, files) };
      const live = await liveReleaseId(db);
      const current = live === null ? undefined : await findRelease(db, live);
      // The same files as the live release: nothing new to publish.
      if (current && current.files_hash === filesHash(files) && o.source !== 'revert') return { ok: true, release: summaryOf(current) };
      const failedTests = await testing.run(() => runFlowTestsOn(files, { flowsDir, actions, scratch, startFlow: deps.startFlow }));
      if (failedTests.length) return { ok: false, failedTests };
      const impact = await liveImpact(db, r.set, catalog, actions);
      if (impact.orphaned > 0 && !o.orphanPolicy) return { ok: false, impact };
      const c = await commitRelease(db, {
        files,
        set: r.set,
        source: o.source,
        revertOf: o.revertOf ?? null,
        createdBy: o.by,
        note: o.note,
        orphanPolicy: o.orphanPolicy ?? null,
      });
      if (!c.published) throw new Error('publish did not go through');
      // This process switches now; the others on NOTIFY or at their next turn.
      await catalog.switchTo(c.id, db);
      logger.info({ release: c.id, source: o.source, flows: [...r.set.flows.values()].map((f) => `${f.id}@${f.version}`) }, 'flow release published');
      const stored = await findRelease(db, c.id);
      if (!stored) throw new Error(`release ${c.id} vanished`);
      return { ok: true, release: summaryOf(stored) };
    },
    diff: diffFiles,
    /** Closes the scratch database flow tests ran on (an open PGlite keeps the process from exiting cleanly). */
    async close() {
      const d = scratchDb;
      scratchDb = undefined;
      if (d) await (await d).close();
    },
  };
  return releases;
}
