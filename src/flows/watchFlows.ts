import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import { flowLoadErrors } from '../metrics.ts';
import type { FlowCatalog } from './catalog.ts';
import { formatProblem } from './problem.ts';

/** Development: reload when a flow or locale file changes; a failing set never goes live. */
export function watchFlows(catalog: FlowCatalog, dirs: string[], logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const r = await catalog.reload().catch((err: unknown) => ({ ok: false as const, problems: [], err }));
      if (r.ok) logger.info({ flows: [...r.set.flows.values()].map((f) => `${f.id}@${f.version}`) }, 'flows reloaded');
      else {
        flowLoadErrors.inc();
        logger.error({ problems: r.problems.map(formatProblem) }, 'flow change refused; the last good flows stay live');
      }
    }, 200);
  };
  const watchers: FSWatcher[] = dirs.map((d) => watch(d, { recursive: true }, reload));
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
