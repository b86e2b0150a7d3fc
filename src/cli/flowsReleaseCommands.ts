import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { allActions } from '../domain/allActions.ts';
import { ActionRegistry } from '../engine/actions.ts';
import { FlowCatalog } from '../flows/catalog.ts';
import { diskPath, readFlowFiles, writeFlowFiles } from '../flows/flowFiles.ts';
import { createReleases } from '../flows/releases/createReleases.ts';
import { refusalLines } from '../flows/releases/publishFolder.ts';
import { createLogger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { findRelease, liveReleaseId } from '../store/flowReleases.ts';

export const FLOWS_RELEASE_USAGE = `  anchorline flows export <dir>
  anchorline flows import <dir> [--policy handoff|restart] [--note text] --by <name>`;

type Out = (line: string) => void;

/** `flows export <dir>`: the live release as `<dir>/flows/…` and `<dir>/locales/…`, for review in git. */
export async function flowsExport(db: Db, dir: string, out: Out): Promise<number> {
  const id = await liveReleaseId(db);
  const live = id === null ? undefined : await findRelease(db, id);
  if (!live) {
    out('no flow release is live yet: start the server once (it publishes the flows folder) or use flows import');
    return 1;
  }
  const written = await writeFlowFiles(live.files, path.join(dir, 'flows'), path.join(dir, 'locales'));
  out(`exported release ${live.id} (${live.source} by ${live.created_by}, ${live.created_at.toISOString()}): ${written.length} file(s) in ${dir}`);
  return 0;
}

const importOptions = z.object({
  by: z.string({ error: 'flows import needs --by <name>' }).trim().min(1, 'flows import needs --by <name>').max(100),
  note: z.string().max(500).default(''),
  policy: z.enum(['handoff', 'restart']).optional(),
});

/**
 * `flows import <dir>`: publishes `<dir>/flows` and `<dir>/locales` through the same checks as
 * the studio (source `import`). Prints problems as `file:line:col`, failed flow tests and the live
 * impact; 1 when refused. The same files as the live release publish nothing new.
 */
export async function flowsImport(config: Config, db: Db, dir: string, raw: { by?: string | undefined; note?: string | undefined; policy?: string | undefined }, out: Out): Promise<number> {
  const o = importOptions.safeParse(raw);
  if (!o.success) {
    out(o.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    return 2;
  }
  const flowsDir = path.join(dir, 'flows');
  const localesDir = path.join(dir, 'locales');
  const files = await readFlowFiles(flowsDir, localesDir).catch((err: unknown) => err as Error);
  if (files instanceof Error) {
    out(`cannot read ${dir}: ${files.message}`);
    return 1;
  }
  const actions = new ActionRegistry().register(...(await allActions(config)));
  // The programme data (course and partner names) is the server's, not the imported folder's.
  const catalog = new FlowCatalog({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR, actions }, db);
  await catalog.loadLive();
  const releases = createReleases({ db, catalog, logger: createLogger('silent'), actions, startFlow: config.START_FLOW });
  try {
    const before = await liveReleaseId(db);
    const impact = await releases.impact(files);
    const r = await releases.publish(files, { source: 'import', by: o.data.by, note: o.data.note, ...(o.data.policy ? { orphanPolicy: o.data.policy } : {}) });
    if (!r.ok) {
      for (const line of refusalLines(r, (f) => diskPath(f, flowsDir, localesDir))) out(line);
      out('refused: nothing was published; the live release stays');
      return 1;
    }
    if (r.release.id === before) {
      out(`unchanged: release ${r.release.id} is live with these very files (same hash); nothing published`);
      return 0;
    }
    for (const g of impact.groups) out(`${g.residents} resident(s) at ${g.flowId}@${g.version} step ${g.step}: ${g.outcome}${g.to ? ` → ${g.to}` : ''}${g.reason ? ` (${g.reason})` : ''}`);
    out(`published release ${r.release.id}: ${r.release.flows.join(', ')}`);
    return 0;
  } finally {
    await releases.close();
    await catalog.stop();
  }
}
