import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import { flowLoadErrors } from '../metrics.ts';
import type { FlowCatalog } from './catalog.ts';
import { formatProblem } from './problem.ts';
import { publishFolder } from './releases/publishFolder.ts';
import type { Releases } from './releases/releaseTypes.ts';

/**
 * Development: when a flow or locale file changes, the folders are published as a `files` release
 * (through `releases`, with the same checks as any publish: checker and flow tests; without it,
 * by `catalog.reload()`, checker only). A refused change logs its problems; the last good stays.
 */
export function watchFlows(catalog: FlowCatalog, dirs: string[], logger: Logger, releases?: Pick<Releases, 'publish'>): () => void {
  let timer: NodeJS.Timeout | undefined;
  const publish = async (): Promise<{ ok: true; flows: string[] } | { ok: false; lines: string[] }> => {
    if (releases) {
      const r = await publishFolder(catalog, releases, 'watcher');
      return r.ok ? { ok: true, flows: r.release.flows } : r;
    }
    const r = await catalog.reload();
    return r.ok ? { ok: true, flows: [...r.set.flows.values()].map((f) => `${f.id}@${f.version}`) } : { ok: false, lines: r.problems.map(formatProblem) };
  };
  const reload = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const r = await publish().catch((err: unknown) => ({ ok: false as const, lines: [(err as Error).message] }));
      if (r.ok) logger.info({ flows: r.flows }, 'flows reloaded');
      else {
        flowLoadErrors.inc();
        logger.error({ problems: r.lines }, 'flow change refused; the last good flows stay live');
      }
    }, 200);
  };
  const watchers: FSWatcher[] = dirs.map((d) => watch(d, { recursive: true }, reload));
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
