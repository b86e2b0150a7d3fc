import type { FlowCatalog } from '../catalog.ts';
import { diskPath, readFlowFiles } from '../flowFiles.ts';
import { formatProblem, type Problem } from '../problem.ts';
import type { PublishRefusal, Releases, ReleaseSummary } from './releaseTypes.ts';

export type FolderPublish = { ok: true; release: ReleaseSummary } | { ok: false; lines: string[]; refusal: PublishRefusal };

/** A refusal as lines a developer or operator reads: problems as `file:line:col` on disk, failed tests, orphans. */
export function refusalLines(r: PublishRefusal, where: (file: string) => string = (f) => f): string[] {
  return [
    ...(r.problems ?? []).filter((p) => p.severity === 'error').map((p) => `${formatProblem({ ...p, file: where(p.file) })}${p.suggestion ? ` (did you mean \`${p.suggestion}\`?)` : ''}`),
    ...(r.failedTests ?? []).map((f) => `${where(f.file)}: flow test failed: ${f.message}`),
    ...(r.impact && r.impact.orphaned > 0
      ? [
          `${r.impact.orphaned} resident(s) would be orphaned; choose a policy (handoff or restart):`,
          ...r.impact.groups.filter((g) => g.outcome === 'orphaned').map((g) => `  ${g.residents} at ${g.flowId}@${g.version} step ${g.step}: ${g.reason ?? ''}`),
        ]
      : []),
  ];
}

/**
 * Development and the operator's reload: publishes the catalog's folders as a `files` release
 * through the same checks as any publish (checker, flow tests). A resident the change orphans
 * starts again, told why, as a restart always did. A refusal leaves the last good release live
 * and is kept on the catalog (`lastProblems`, shown by /readyz).
 */
export async function publishFolder(catalog: FlowCatalog, releases: Pick<Releases, 'publish'>, by: string): Promise<FolderPublish> {
  const { flowsDir, localesDir } = catalog.opts;
  const files = await readFlowFiles(flowsDir, localesDir);
  const r = await releases.publish(files, { source: 'files', by, note: 'the flows folder changed', orphanPolicy: 'restart' });
  if (r.ok) {
    catalog.noteRefusal([]);
    return { ok: true, release: r.release };
  }
  const where = (f: string) => diskPath(f, flowsDir, localesDir);
  const { ok: _ok, ...refusal } = r;
  const problems: Problem[] = [
    ...(refusal.problems ?? []).filter((p) => p.severity === 'error').map((p) => ({ ...p, file: where(p.file) })),
    ...(refusal.failedTests ?? []).map((f) => ({ severity: 'error' as const, code: 'flow_test_failed', file: where(f.file), line: 1, col: 1, path: '', message: f.message })),
  ];
  catalog.noteRefusal(problems);
  return { ok: false, lines: refusalLines(refusal, where), refusal };
}
