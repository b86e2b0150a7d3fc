/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by
 * file, so the report can say where a turn's time goes.
 * Usage: tsx bench/profileSummary.ts <file> [top] [skipSeconds]; `skipSeconds` leaves out the
 * profile's first seconds (a server's start-up, which is not a turn's cost).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export function summariseProfile(file: string, top = 25, skipSeconds = 0): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const self = new Map<number, number>();
  let at = 0;
  p.samples.forEach((id, i) => {
    at += p.timeDeltas[i] ?? 0;
    if (at >= skipSeconds * 1e6) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  const area = (url: string) => {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return m[1]!;
    const s = /\/(src\/[^/]+(?:\/[^/]+)?|bench)\//.exec(url);
    if (s) return s[1]!;
    return url.startsWith('node:') ? 'node internals' : url ? url.split('/').slice(-2).join('/') : '(native / gc / idle)';
  };
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const fn = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    const a = n.callFrame.functionName === '(idle)' ? '(idle)' : n.callFrame.functionName === '(garbage collector)' ? '(gc)' : area(n.callFrame.url);
    byFile.set(a, (byFile.get(a) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`)
      .join('\n');
  return `total ${(total / 1000).toFixed(0)} ms\n-- self time by package / folder --\n${fmt(byFile)}\n-- self time by function --\n${fmt(byFn)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(summariseProfile(process.argv[2]!, Number(process.argv[3] ?? 25), Number(process.argv[4] ?? 0)));
