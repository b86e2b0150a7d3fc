/**
 * Experiment, not part of `npm run bench`: how much a turn would save if the translator
 * cached what it looks up (the fix proposed for src/i18n.ts in bench/RESULTS.md).
 * It wraps the loaded translator's `t` and `list` with per-language caches on a second
 * engine, then runs the unchanged engine, the cached one and the peer in turn on
 * PostgreSQL. Usage: npx tsx bench/experiments/i18nCache.ts
 */
import type { Translator } from '../../src/i18n.ts';
import { anchorlineSystem, type System } from '../anchorline.ts';
import { openBenchDb } from '../benchDb.ts';
import { closedLoop } from '../load.ts';
import { peerSystem } from '../peer/peerSystem.ts';
import { DEFAULT_DATABASE_URL } from '../runBench.ts';

/** What the proposed change to createTranslator does: one fixedT per language, each list read once. */
function cacheTranslator(tr: Translator): void {
  const lists = new Map<string, string[]>();
  const fixed = new Map<string, ReturnType<Translator['t']>>();
  const list = tr.list.bind(tr);
  const t = tr.t.bind(tr);
  tr.list = (lng, key) => {
    const k = `${lng}\0${key}`;
    let v = lists.get(k);
    if (!v) lists.set(k, (v = list(lng, key)));
    return v;
  };
  tr.t = (lng) => {
    let f = fixed.get(lng);
    if (!f) fixed.set(lng, (f = t(lng)));
    return f;
  };
}

const b = await openBenchDb('pg', process.env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL);
const base = await anchorlineSystem(b.db);
const cached = await anchorlineSystem(b.db);
cacheTranslator(cached.catalog.current.translator);
const peer = await peerSystem(b.db);
const systems: Array<[string, System]> = [
  ['Anchorline as is', base],
  ['Anchorline, cached translator', cached],
  ['botbuilder-dialogs peer', peer],
];
try {
  for (const [, s] of systems) await closedLoop(s, { concurrency: 5, conversations: 10, prefix: `warm-${s.name}-${Math.random()}` });
  for (const c of [1, 50]) {
    const acc = new Map<string, { cpu: number; turns: number; wall: number; errors: number }>();
    // Interleaved rounds, so load from other processes falls on all three alike.
    for (let round = 0; round < 4; round++) {
      for (const [name, s] of systems) {
        const c0 = process.cpuUsage();
        const r = await closedLoop(s, { concurrency: c, conversations: c === 1 ? 10 : 50, prefix: `x${c}-${round}-${name.length}-${Math.random()}` });
        const u = process.cpuUsage(c0);
        const x = acc.get(name) ?? { cpu: 0, turns: 0, wall: 0, errors: 0 };
        acc.set(name, { cpu: x.cpu + (u.user + u.system) / 1000, turns: x.turns + r.turns, wall: x.wall + r.wallMs, errors: x.errors + r.errors });
      }
    }
    for (const [name, x] of acc) {
      console.log(`c=${String(c).padEnd(3)} ${name.padEnd(30)} ${(x.turns / (x.wall / 1000)).toFixed(0).padStart(5)} turns/s  ${(x.cpu / x.turns).toFixed(2)} CPU ms/turn  ${x.errors} errors`);
    }
  }
} finally {
  base.cleanup();
  cached.cleanup();
  await b.close();
}
