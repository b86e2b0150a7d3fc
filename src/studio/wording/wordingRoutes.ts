import express, { type Request, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Db } from '../../store/db.ts';
import { writeFlowDraft } from '../../store/flowDraft.ts';
import { currentDraft } from '../flows/currentDraft.ts';
import { MAX_FILE_CHARS } from '../flows/flowsBodies.ts';
import { formBody } from '../formBody.ts';
import { page } from '../layout.ts';
import { STUDIO_CSP } from '../securityHeaders.ts';
import type { Releases } from '../ports.ts';
import { can, staffOf, type StudioGuard } from '../staff.ts';
import { saveWording } from './saveWording.ts';
import { wordingHistory } from './wordingHistory.ts';
import { noticeParams, wordingNotice, type WordingOutcome } from './wordingNotice.ts';
import { wordingPage } from './wordingPage.ts';
import { filterRows, wordingRows } from './wordingRows.ts';

export interface WordingRoutesOptions {
  db: Db;
  releases: Releases;
  guard: StudioGuard;
  logger: Logger;
}

// A hand-typed address with a bad filter shows everything rather than an error.
const filterQuery = z.object({
  namespace: z.string().regex(/^[a-z][a-z0-9_-]*$/).optional().catch(undefined),
  flow: z.string().regex(/^[a-z][a-z0-9_]*$/).optional().catch(undefined),
  status: z.enum(['missing', 'outdated', 'review', 'all']).default('all').catch('all'),
  q: z.string().max(200).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});

const saveForm = z
  // The revision the page was shown at: texts are merged one by one (h:… fields), so it need not
  // be the draft's now; a form without them saves only on the draft's revision.
  .object({ csrf: z.string(), revision: z.coerce.number().int().min(0) })
  .catchall(z.string().max(MAX_FILE_CHARS, 'a text may be at most 1 MB'));

/** The filter's own query string (no notices, no page), kept on links and the form's action. */
function filterString(f: z.infer<typeof filterQuery>): string {
  const q = new URLSearchParams();
  if (f.namespace) q.set('namespace', f.namespace);
  if (f.flow) q.set('flow', f.flow);
  if (f.status !== 'all') q.set('status', f.status);
  if (f.q) q.set('q', f.q);
  return q.toString();
}

/**
 * The wording view (issue 13), mounted at /studio: every text of the draft side by side per
 * language with what needs a translator's attention, and a form that writes changed texts into
 * the draft's locale files.
 */
export function wordingRoutes(opts: WordingRoutesOptions): Router {
  const { db, releases, guard } = opts;
  const history = wordingHistory(releases);
  const router = express.Router();

  router.get('/wording', guard.require('read'), async (req, res) => {
    const staff = staffOf(res.locals);
    const f = filterQuery.parse(req.query);
    const { draft } = await currentDraft(db, releases);
    const table = wordingRows(draft.files, await history(draft.files));
    const notice = wordingNotice(req.query, table, draft.updatedBy);
    const filter = { namespace: f.namespace, flow: f.flow, status: f.status, q: f.q };
    const body = wordingPage({
      table,
      rows: filterRows(table.rows, filter),
      filter,
      page: f.page,
      revision: draft.revision,
      canEdit: can(staff.role, 'wording'),
      csrf: staff.csrf,
      query: filterString(f),
      notice,
    });
    // The same headers as every other studio page (src/studio/pages/studioPages.ts).
    res.set({ 'Content-Security-Policy': STUDIO_CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
    res.type('html').send(page({ title: 'Wording', staff, active: 'wording', body }));
  });

  router.post('/wording', guard.require('wording'), async (req: Request, res) => {
    const staff = staffOf(res.locals);
    const f = filterQuery.parse(req.query);
    // The page builds the notice's words itself: the address carries codes and text references only.
    const back = (outcome: WordingOutcome) => {
      const q = new URLSearchParams(filterString(f));
      if (f.page > 1) q.set('page', String(f.page));
      for (const [k, v] of Object.entries(noticeParams(outcome))) q.set(k, v);
      res.redirect(303, `${req.baseUrl}/wording?${q.toString()}`);
    };
    let form: z.infer<typeof saveForm>;
    try {
      form = formBody(req, saveForm);
    } catch (err) {
      if (err instanceof AppError && err.code === 'data_invalid') return back({ type: 'invalid', problem: { type: 'form' } });
      throw err;
    }
    // Merged text by text (saveWording), so a save by someone else meanwhile costs nobody their
    // typing; the write itself is optimistic, and tried once more if another save slips in.
    for (let attempt = 0; attempt < 2; attempt++) {
      const { draft } = await currentDraft(db, releases);
      const edit = saveWording(draft.files, form, { stale: form.revision !== draft.revision });
      if (!edit.ok) return back({ type: 'invalid', problem: edit.problem });
      if (edit.keys === 0) return back({ type: 'saved', count: 0, conflicts: edit.conflicts });
      const w = await writeFlowDraft(db, { expected: draft.revision, files: { ...draft.files, ...edit.files }, baseRelease: draft.baseRelease, by: staff.email });
      if (w.type === 'conflict') continue;
      await guard.audit(req, 'wording.save', String(w.draft.revision), { texts: edit.keys, paths: Object.keys(edit.files) });
      return back({ type: 'saved', count: edit.keys, conflicts: edit.conflicts });
    }
    return back({ type: 'conflict' });
  });

  return router;
}
