import { readdirSync, readFileSync } from 'node:fs';
import express, { type RequestHandler } from 'express';
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { ActionRegistry } from '../../../src/engine/actions.ts';
import { AppError } from '../../../src/errors.ts';
import { parseFlowTexts } from '../../../src/flows/catalog.ts';
import { checkFlows } from '../../../src/flows/check.ts';
import type { Draft, FlowFiles, LiveImpact, ReleaseSummary, StudioProblem } from '../../../src/studio/ports.ts';
import { can, type Role, type Staff, type StudioGuard } from '../../../src/studio/staff.ts';

/** The shipped content as a FlowFiles map, keyed as the studio keys it. */
export function shippedFiles(): FlowFiles {
  const files: FlowFiles = {};
  const add = (dir: string, test: (f: string) => boolean) => {
    for (const f of readdirSync(dir).filter(test).sort()) files[`${dir}/${f}`] = readFileSync(`${dir}/${f}`, 'utf8');
  };
  add('flows', (f) => f.endsWith('.flow.yaml') || f === 'commands.yaml' || f === 'readability-allow.yaml');
  add('flows/tests', (f) => f.endsWith('.test.yaml'));
  for (const lang of readdirSync('locales')) add(`locales/${lang}`, (f) => f.endsWith('.json'));
  return files;
}

/** Codes the stand-in reports: what the real checker finds in the flow files alone (no actions, no locales). */
const KEPT = new Set(['yaml', 'schema', 'unknown_step', 'no_next', 'no_default']);

/** The real loader and checker on the draft's flow files, with a "did you mean" for unknown steps. */
export function checkDraft(files: FlowFiles): StudioProblem[] {
  const flowTexts = new Map(Object.entries(files).filter(([p]) => p.endsWith('.flow.yaml')));
  const parsed = parseFlowTexts(flowTexts);
  const found: StudioProblem[] = [...parsed.problems];
  if (!found.some((p) => p.severity === 'error')) found.push(...checkFlows({ flows: parsed.flows, actions: new ActionRegistry(), locales: {} }));
  return found
    .filter((p) => KEPT.has(p.code))
    .map((p) => {
      const m = /^step "([^"]+)" does not exist/.exec(p.message);
      const flow = parsed.flows.get(/flows\/([a-z_]+)\.flow\.yaml/.exec(p.file)?.[1] ?? '');
      if (!m || !flow) return p;
      const best = flow.flow.order.map((id) => ({ id, d: distance(id, m[1]!) })).sort((a, b) => a.d - b.d)[0];
      return best && best.d <= 2 ? { ...p, suggestion: best.id } : p;
    });
}

export interface FakeStudio {
  router: express.Router;
  guard: StudioGuard;
  draft: Draft;
  staff: Staff;
  /** Set the role of the signed-in member of staff. */
  as(role: Role): void;
  impact: LiveImpact;
  /** The next publish or revert is refused with this detail (then cleared). */
  refuseNext: Record<string, unknown> | undefined;
  releases: ReleaseSummary[];
  calls: Array<{ method: string; path: string; body: unknown }>;
}

const putSchema = z.object({ revision: z.number().int(), base: z.record(z.string(), z.string().nullable()).optional(), files: z.record(z.string(), z.string().nullable()) });
const publishSchema = z.object({ revision: z.number().int(), note: z.string().max(500), orphanPolicy: z.enum(['handoff', 'restart']).optional() });
const revertSchema = z.object({ note: z.string().max(500), orphanPolicy: z.enum(['handoff', 'restart']).optional() });

/**
 * A small in-test implementation of the studio's flows JSON API contract (src/studio/ports.ts)
 * backed by the shipped files, and a test guard that sets `res.locals.staff`. The integrator's
 * end-to-end test replaces both with the real ones.
 */
export function fakeStudio(): FakeStudio {
  const live = shippedFiles();
  const fake: FakeStudio = {
    router: express.Router(),
    staff: { id: 'u1', email: 'coordinator@example.org', role: 'coordinator', csrf: 'csrf-test-token' },
    as: (role) => {
      fake.staff = { ...fake.staff, role, email: `${role}@example.org` };
    },
    draft: { revision: 1, baseRelease: 2, files: { ...live }, changed: [], updatedBy: null, updatedAt: new Date().toISOString() },
    impact: { live: 0, groups: [], orphaned: 0 },
    refuseNext: undefined,
    releases: [
      { id: 2, source: 'studio', revertOf: null, createdBy: 'coordinator@example.org', createdAt: '2026-11-29T10:00:00Z', note: 'Shorter consent question', flows: ['main@3f2a9c1e'], live: true },
      { id: 1, source: 'files', revertOf: null, createdBy: 'system', createdAt: '2026-11-28T09:00:00Z', note: 'The shipped flows', flows: ['main@1b2c3d4e'], live: false },
    ],
    calls: [],
    guard: {
      require: (permission): RequestHandler => (req, res, next) => {
        res.locals['staff'] = fake.staff;
        if (!can(fake.staff.role, permission)) return next(new AppError('forbidden', `a ${fake.staff.role} may not ${permission}`));
        if (req.method !== 'GET' && req.get('x-csrf-token') !== fake.staff.csrf) return next(new AppError('csrf_failed', 'the CSRF token is missing or wrong'));
        next();
      },
      audit: async () => undefined,
    },
  };
  const r = fake.router;
  const g = fake.guard;
  r.use(express.json());
  r.use((req, _res, next) => {
    fake.calls.push({ method: req.method, path: req.path, body: req.body as unknown });
    next();
  });
  r.get('/draft', g.require('read'), (_req, res) => void res.json(fake.draft));
  r.get('/draft/check', g.require('read'), (_req, res) => void res.json({ problems: checkDraft(fake.draft.files) }));
  r.get('/draft/report', g.require('read'), (_req, res) => void res.json(fake.impact));
  r.put('/draft/files', g.require('edit'), (req, res) => {
    const body = putSchema.parse(req.body);
    // As the real API: with a base, only a change of the saved files since is a conflict.
    const moved = body.base ? Object.entries(body.base).filter(([p, text]) => (fake.draft.files[p] ?? null) !== text).map(([p]) => p) : [];
    if (moved.length || (!body.base && body.revision !== fake.draft.revision)) {
      const theirs = Object.fromEntries(moved.map((p) => [p, fake.draft.files[p] ?? null]));
      throw new AppError('draft_conflict', 'someone else changed the draft', { detail: { revision: fake.draft.revision, updatedBy: fake.draft.updatedBy, paths: moved, theirs } });
    }
    for (const [path, text] of Object.entries(body.files)) {
      if (text === null) delete fake.draft.files[path];
      else fake.draft.files[path] = text;
    }
    fake.draft = {
      ...fake.draft,
      revision: fake.draft.revision + 1,
      changed: Object.keys(fake.draft.files).filter((p) => fake.draft.files[p] !== live[p]),
      updatedBy: fake.staff.email,
      updatedAt: new Date().toISOString(),
    };
    res.json({ revision: fake.draft.revision, changed: fake.draft.changed, problems: checkDraft(fake.draft.files) });
  });
  const publish = (note: string, revertOf: number | null): ReleaseSummary => {
    if (fake.refuseNext) {
      const detail = fake.refuseNext;
      fake.refuseNext = undefined;
      throw new AppError('publish_blocked', 'the draft cannot be published yet', { detail });
    }
    const release: ReleaseSummary = { id: fake.releases.length + 1, source: revertOf ? 'revert' : 'studio', revertOf, createdBy: fake.staff.email, createdAt: new Date().toISOString(), note, flows: ['main@9e8d7c6b'], live: true };
    fake.releases = [release, ...fake.releases.map((x) => ({ ...x, live: false }))];
    return release;
  };
  r.post('/publish', g.require('publish'), (req, res) => {
    const body = publishSchema.parse(req.body);
    res.json({ release: publish(body.note, null) });
  });
  r.get('/releases', g.require('read'), (_req, res) => void res.json({ releases: fake.releases }));
  r.get('/releases/:id/diff', g.require('read'), (req, res) => {
    if (!fake.releases.some((x) => String(x.id) === req.params.id)) throw new AppError('release_not_found', 'no such release');
    res.json({
      files: [
        {
          path: 'locales/en/core.json',
          status: 'changed',
          patch: '--- a/locales/en/core.json\n+++ b/locales/en/core.json\n@@ -1,3 +1,3 @@\n {\n-  "question": "Do you agree to us keeping your answers?"\n+  "question": "May we keep your answers?"\n }\n',
          keys: [{ lang: 'en', key: 'consent.question', change: 'changed', before: 'Do you agree to us keeping your answers?', after: 'May we keep your answers?' }],
        },
        { path: 'flows/main.flow.yaml', status: 'changed', patch: '@@ -40,1 +40,1 @@\n-    next: thanks\n+    next: about\n', steps: [{ flowId: 'main', step: 'thanks', change: 'changed' }] },
      ],
    });
  });
  r.post('/releases/:id/revert', g.require('publish'), (req, res) => {
    const body = revertSchema.parse(req.body);
    if (!fake.releases.some((x) => String(x.id) === req.params.id)) throw new AppError('release_not_found', 'no such release');
    res.json({ release: publish(body.note, Number(req.params.id)) });
  });
  return fake;
}
