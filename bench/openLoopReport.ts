import type { OpenLoopResults, OpenLoopRun } from './openLoop.ts';

/** Issue 16: p99 at 200 turns/s offered, one server process on PostgreSQL. */
const TARGET = { ratePerSec: 200, p99Ms: 50 };

const HEAD = ['offered /s', 'achieved /s', 'sent', 'answered', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'service p99 ms', 'client timer lag p99 ms', 'late', 'not sent', 'lost / dup / wrong', 'server CPU ms/turn', 'client CPU ms/turn', 'load avg'];

const row = (x: OpenLoopRun) => [
  x.offeredPerSec,
  x.achievedPerSec,
  x.scheduled - x.notSent,
  x.answered,
  x.latencyMs.p50,
  x.latencyMs.p90,
  x.latencyMs.p99,
  x.latencyMs.p999,
  x.latencyMs.max,
  x.serviceMs.p99,
  x.schedulingLagMs.p99,
  x.late,
  x.notSent,
  `${x.lost} / ${x.duplicated} / ${x.wrong}`,
  x.serverCpuMsPerTurn ?? '—',
  x.clientCpuMsPerTurn,
  x.loadAvg.join('/'),
];

function verdict(r: OpenLoopResults): string | undefined {
  if (!r.measured) return undefined;
  const at = r.runs.find((x) => x.offeredPerSec === TARGET.ratePerSec);
  if (!at) return `Open-loop target (p99 ≤ ${TARGET.p99Ms} ms at ${TARGET.ratePerSec}/s): not measured at that rate.`;
  return `Open-loop p99 at ${TARGET.ratePerSec} turns/s offered (target ≤ ${TARGET.p99Ms} ms): ${at.latencyMs.p99} ms — ${at.latencyMs.p99 <= TARGET.p99Ms && at.lost + at.wrong + at.notSent === 0 ? 'met' : 'missed'}.`;
}

const description = (r: Extract<OpenLoopResults, { measured: true }>) =>
  `Open loop (like wrk2, no coordinated omission): one real server process on ${r.where}; messages go out on a fixed, evenly spaced schedule (1000 / rate ms apart) whatever the replies do, each to a resident's conversation of the shipped flow \`main\` that is not waiting for a reply (a pool opened before the clock starts; a conversation that reaches the postcode question is closed and a new one started, so starts run alongside). Latency = intended send time → first reply of the turn on the WebSocket; "service" = actual send → first reply (what a closed-loop client would report). "late" = sends that found no free conversation and went out later (still measured from the intended time); client timer lag = how late the generator's own timer fired. Percentiles are over answered turns; "not sent" = sends still queued 10 s after the schedule ended (given up, and the target then counts as missed). ${r.warmupSeconds} s unmeasured warm-up first. Server CPU from /proc, conversation starts included.`;

/** Plain-text lines for the console report. */
export function openLoopText(r: OpenLoopResults | undefined): string[] {
  if (!r) return [];
  if (!r.measured) return ['', `Open loop: not measured (${r.reason}).`];
  const widths = HEAD.map((h, i) => Math.max(h.length, ...r.runs.map((x) => String(row(x)[i]).length)));
  const line = (cells: Array<string | number>) => cells.map((c, i) => String(c).padStart(widths[i]!)).join('  ');
  return ['', line(HEAD), ...r.runs.map((x) => line(row(x))), verdict(r) ?? ''];
}

/** The report's Markdown section: one row per offered rate. */
export function openLoopMarkdown(r: OpenLoopResults | undefined): string[] {
  if (!r) return [];
  const head = ['## Open-loop latency: one server process on PostgreSQL', ''];
  if (!r.measured) return [...head, `Not measured (${r.reason}).`, ''];
  return [
    ...head,
    description(r),
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => '---:').join('|')}|`,
    ...r.runs.map((x) => `| ${row(x).join(' | ')} |`),
    '',
    `- ${verdict(r)}`,
    ...r.runs.filter((x) => x.firstProblem).map((x) => `- ${x.offeredPerSec}/s, first problem: ${x.firstProblem}`),
    '',
  ];
}
