/**
 * A stand-in for the releases part (src/flows/releases/) while it is being built: releases in
 * memory, a checker that reports YAML/schema and locale JSON problems, and refusals on demand.
 */
import { createTwoFilesPatch } from 'diff';
import { parseFlowTexts } from '../../../src/flows/catalog.ts';
import type { FilesDiff, FlowFiles, LiveImpact, Release, Releases, StudioProblem } from '../../../src/studio/ports.ts';

export interface MemoryReleases extends Releases {
  /** Flow tests that fail on the next publishes (empty: they pass). */
  failingTests: Array<{ file: string; message: string }>;
  /** What the next impact reports. */
  impactNow: LiveImpact;
}

export function memoryReleases(initial: FlowFiles): MemoryReleases {
  const all: Release[] = [{ id: 1, source: 'files', revertOf: null, createdBy: 'files', createdAt: new Date().toISOString(), note: 'shipped files', flows: [], live: true, files: initial }];
  const check = async (files: FlowFiles): Promise<StudioProblem[]> => {
    const flowTexts = new Map(Object.entries(files).filter(([p]) => p.endsWith('.flow.yaml')));
    const problems: StudioProblem[] = parseFlowTexts(flowTexts).problems;
    for (const [p, text] of Object.entries(files)) {
      if (!p.startsWith('locales/')) continue;
      try {
        const v: unknown = JSON.parse(text);
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('must be a JSON object');
      } catch (err) {
        problems.push({ severity: 'error', code: 'locale', file: p, line: 1, col: 1, path: '', message: (err as Error).message });
      }
    }
    return problems;
  };
  const r: MemoryReleases = {
    failingTests: [],
    impactNow: { live: 0, groups: [], orphaned: 0 },
    live: async () => all.find((x) => x.live)!,
    list: async (limit = 100) => all.map(({ files: _files, ...s }) => s).toReversed().slice(0, limit),
    get: async (id) => all.find((x) => x.id === id),
    check,
    impact: async () => r.impactNow,
    publish: async (files, o) => {
      const problems = await check(files);
      if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };
      if (r.failingTests.length) return { ok: false, failedTests: r.failingTests };
      if (r.impactNow.orphaned > 0 && !o.orphanPolicy) return { ok: false, impact: r.impactNow };
      for (const x of all) x.live = false;
      const release: Release = { id: all.length + 1, source: o.source, revertOf: o.revertOf ?? null, createdBy: o.by, createdAt: new Date().toISOString(), note: o.note, flows: [], live: true, files };
      all.push(release);
      const { files: _files, ...summary } = release;
      return { ok: true, release: summary };
    },
    diff: (from, to): FilesDiff => ({
      files: [...new Set([...Object.keys(from), ...Object.keys(to)])]
        .filter((p) => from[p] !== to[p])
        .sort()
        .map((p) => ({ path: p, status: from[p] === undefined ? 'added' : to[p] === undefined ? 'removed' : 'changed', patch: createTwoFilesPatch(p, p, from[p] ?? '', to[p] ?? '') })),
    }),
  };
  return r;
}
