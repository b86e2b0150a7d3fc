import express, { type Request, type Router } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../../errors.ts';
import type { Db } from '../../store/db.ts';
import { findFlowDraft, writeFlowDraft } from '../../store/flowDraft.ts';
import { Mutex } from '../../store/mutex.ts';
import { isWordingPath, type Draft, type FlowFiles, type PublishRefusal, type Releases, type ReleaseSummary } from '../ports.ts';
import { can, staffOf, type StudioGuard } from '../staff.ts';
import { changedPaths, currentDraft, draftOf } from './currentDraft.ts';
import { diffQuery, discardBody, publishBody, releaseIdParam, revertBody, saveFilesBody, type SaveFilesBody } from './flowsBodies.ts';
import { parseInput } from './parseInput.ts';

export interface StudioFlowsApiOptions {
  db: Db;
  releases: Releases;
  guard: StudioGuard;
  logger: Logger;
}

function conflict(current: { revision: number; updatedBy: string | null }): AppError {
  return new AppError('draft_conflict', `the draft was saved by ${current.updatedBy ?? 'someone else'} meanwhile (revision ${current.revision}): reload it and make your change again`, {
    detail: { revision: current.revision, updatedBy: current.updatedBy },
  });
}

/** Someone saved one of these files since the client read it: their text goes back so nothing typed is lost on either side. */
function fileConflict(draft: Draft, paths: string[]): AppError {
  const who = draft.updatedBy ?? 'someone else';
  return new AppError('draft_conflict', `${paths.join(', ')} changed since you opened ${paths.length === 1 ? 'it' : 'them'} (the draft was last saved by ${who}): your text was not saved`, {
    detail: { revision: draft.revision, updatedBy: draft.updatedBy, paths, theirs: Object.fromEntries(paths.map((p) => [p, draft.files[p] ?? null])) },
  });
}

function refused(r: PublishRefusal): AppError {
  const reasons = [
    r.problems?.length ? `${r.problems.filter((p) => p.severity === 'error').length} problem(s) in the files` : '',
    r.failedTests?.length ? `${r.failedTests.length} flow test(s) failing` : '',
    r.impact?.orphaned ? `${r.impact.orphaned} resident(s) would be orphaned: choose what happens to them` : '',
  ].filter(Boolean);
  return new AppError('publish_blocked', `not published: ${reasons.join('; ') || 'the checks refused it'}`, {
    detail: { ...(r.problems ? { problems: r.problems } : {}), ...(r.failedTests ? { failedTests: r.failedTests } : {}), ...(r.impact ? { impact: r.impact } : {}) },
  });
}

/**
 * The studio's flows JSON API (issue 13), mounted at /studio/api: the shared draft (read, save,
 * discard, check, live-impact report), publishing it, and the release history (list, diff,
 * revert). Bodies arrive through the edge (src/http/readBody.ts) and are checked with zod here.
 */
export function studioFlowsApi(opts: StudioFlowsApiOptions): Router {
  const { db, releases, guard } = opts;
  const router = express.Router();
  // Publishing from this process one at a time: two clicks on "Publish" make one release.
  const publishing = new Mutex();

  /**
   * Writes a save onto the draft. With `base`, on top of whatever revision the draft is at now,
   * unless one of the saved files is not the text the client started from (another save slipped
   * in between reading and writing: read again, a few times).
   */
  const saveOnDraft = async (body: SaveFilesBody, by: string) => {
    for (let attempt = 0; ; attempt++) {
      const { draft } = await currentDraft(db, releases);
      if (body.base) {
        const moved = Object.entries(body.base).filter(([p, text]) => (draft.files[p] ?? null) !== text).map(([p]) => p);
        if (moved.length) throw fileConflict(draft, moved);
      } else if (body.revision !== draft.revision) throw conflict(draft);
      const files: FlowFiles = { ...draft.files };
      for (const [p, text] of Object.entries(body.files)) {
        if (text === null) delete files[p];
        else files[p] = text;
      }
      const w = await writeFlowDraft(db, { expected: draft.revision, files, baseRelease: draft.baseRelease, by });
      if (w.type === 'saved') return w;
      if (!body.base || attempt >= 4) throw conflict(w.current);
    }
  };

  router.get('/draft', guard.require('read'), async (_req, res) => {
    res.json((await currentDraft(db, releases)).draft);
  });

  router.put('/draft/files', guard.require('wording'), async (req, res) => {
    const body = parseInput(saveFilesBody, req.body);
    const staff = staffOf(res.locals);
    const flowPaths = Object.keys(body.files).filter((p) => !isWordingPath(p));
    if (flowPaths.length && !can(staff.role, 'edit')) {
      throw new AppError('forbidden', `a ${staff.role} may change wording only (locales/…), not ${flowPaths.join(', ')}`, { detail: { paths: flowPaths } });
    }
    const w = await saveOnDraft(body, staff.email);
    await guard.audit(req, 'flows.draft.save', String(w.draft.revision), { paths: Object.keys(body.files) });
    const live = await releases.live();
    const files = w.draft.files ?? live.files;
    res.json({ revision: w.draft.revision, changed: changedPaths(live.files, files), problems: await releases.check(files) });
  });

  router.post('/draft/discard', guard.require('edit'), async (req, res) => {
    const body = parseInput(discardBody, req.body);
    const live = await releases.live();
    const w = await writeFlowDraft(db, { expected: body.revision, files: null, baseRelease: live.id, by: staffOf(res.locals).email });
    if (w.type === 'conflict') throw conflict(w.current);
    await guard.audit(req, 'flows.draft.discard', String(w.draft.revision));
    res.json(draftOf(w.draft, live));
  });

  router.get('/draft/check', guard.require('read'), async (_req, res) => {
    const { draft } = await currentDraft(db, releases);
    res.json({ problems: await releases.check(draft.files) });
  });

  router.get('/draft/report', guard.require('read'), async (_req, res) => {
    const { draft } = await currentDraft(db, releases);
    res.json(await releases.impact(draft.files));
  });

  router.post('/publish', guard.require('publish'), async (req, res) => {
    const body = parseInput(publishBody, req.body);
    const by = staffOf(res.locals).email;
    const release = await publishing.run(async () => {
      const { draft } = await currentDraft(db, releases);
      if (body.revision !== draft.revision) throw conflict(draft);
      const r = await releases.publish(draft.files, { source: 'studio', by, note: body.note, ...(body.orphanPolicy ? { orphanPolicy: body.orphanPolicy } : {}) });
      if (!r.ok) throw refused(r);
      // The draft becomes the release: nothing changed, based on it. A save that slipped in
      // meanwhile (another process) keeps its edits, now measured against the new release.
      const w = await writeFlowDraft(db, { expected: draft.revision, files: null, baseRelease: r.release.id, by });
      if (w.type === 'conflict') opts.logger.info({ release: r.release.id }, 'studio: the draft changed while it was published; it keeps the later edits');
      return r.release;
    });
    await guard.audit(req, 'flows.publish', String(release.id), { note: body.note, orphanPolicy: body.orphanPolicy ?? null });
    res.json({ release });
  });

  router.get('/releases', guard.require('read'), async (_req, res) => {
    res.json({ releases: await releases.list() });
  });

  const releaseOf = async (req: Request) => {
    const id = parseInput(releaseIdParam, req.params['id'], 'the release id');
    const release = await releases.get(id);
    if (!release) throw new AppError('release_not_found', `there is no release ${id}`);
    return release;
  };

  /** The release published just before `id` (by id: releases only grow), if any. */
  const before = async (id: number): Promise<ReleaseSummary | undefined> => (await releases.list(500)).filter((r) => r.id < id).sort((a, b) => b.id - a.id)[0];

  router.get('/releases/:id/diff', guard.require('read'), async (req, res) => {
    const release = await releaseOf(req);
    const q = parseInput(diffQuery, req.query, 'the query');
    const againstId = q.against ?? (await before(release.id))?.id;
    let older: FlowFiles = {};
    if (againstId !== undefined) {
      const found = await releases.get(againstId);
      if (!found) throw new AppError('release_not_found', `there is no release ${againstId}`);
      older = found.files;
    }
    res.json(releases.diff(older, release.files));
  });

  router.post('/releases/:id/revert', guard.require('publish'), async (req, res) => {
    const release = await releaseOf(req);
    const body = parseInput(revertBody, req.body);
    const by = staffOf(res.locals).email;
    const result = await publishing.run(async () => {
      const r = await releases.publish(release.files, { source: 'revert', revertOf: release.id, by, note: body.note, ...(body.orphanPolicy ? { orphanPolicy: body.orphanPolicy } : {}) });
      if (!r.ok) throw refused(r);
      // An untouched draft follows the live release by itself; one with edits keeps them.
      const row = await findFlowDraft(db);
      if (row.files === null && row.revision > 0) await writeFlowDraft(db, { expected: row.revision, files: null, baseRelease: r.release.id, by });
      return r.release;
    });
    await guard.audit(req, 'flows.revert', String(result.id), { revertOf: release.id, note: body.note, orphanPolicy: body.orphanPolicy ?? null });
    res.json({ release: result });
  });

  return router;
}
