import type { BenchResults, Row } from './runBench.ts';
import { openLoopMarkdown, openLoopText } from './openLoopReport.ts';
import { round } from './stats.ts';
import { memoryMarkdown } from './streamMemory.ts';
import { renderStartup } from './startup.ts';

const TARGETS = {
  /** Issue 16: ≥ 2× the peer's turns/s at 50 and 500 concurrent (issue 4 asked 3×). */
  ratio: 2,
  roundTrips: 2,
  /** Issue 16: ≤ 1 round trip per turn at 50 concurrent (turns share round trips under load). */
  roundTripsUnderLoad: 1,
  p99Ms: 20,
  snapshotBytes: 4096,
};

function table(head: string[], rows: Array<Array<string | number>>): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i === 1 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function md(head: string[], rows: Array<Array<string | number>>): string {
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const HEAD = ['driver / mode', 'system', 'conc.', 'turns', 'errors', 'turns/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'RT/turn', 'CPU ms/turn', 'DB CPU ms/turn'];
const cells = (r: Row) => [
  `${r.driver} ${r.mode}`,
  r.system,
  r.concurrency,
  r.turns,
  r.errors,
  r.turnsPerSec,
  r.latencyMs.p50,
  r.latencyMs.p95,
  r.latencyMs.p99,
  r.latencyMs.max,
  r.roundTripsPerTurn,
  r.cpuMsPerTurn,
  r.dbCpuMsPerTurn ?? '—',
];

function ratioRows(r: BenchResults) {
  return r.ratios.map((x) =>
    x.mode === 'closed'
      ? [x.driver, `closed, ${x.concurrency} concurrent`, `${x.anchorline} vs ${x.peer} turns/s`, `${x.ratio}×`, x.driver === 'pg' ? (x.ratio >= TARGETS.ratio ? 'met' : `missed (≥${TARGETS.ratio}×)`) : '—']
      : [x.driver, `paced, ${x.concurrency} residents`, `p99 ${x.anchorline} vs ${x.peer} ms`, `${x.ratio}× (peer p99 / ours)`, '—'],
  );
}

function costRows(r: BenchResults) {
  const out: Array<Array<string | number>> = [];
  for (const [driver, c] of Object.entries(r.cost)) {
    for (const t of c.perTurn) out.push([driver, t.turn, t.input, t.anchorlineRoundTrips, t.peerRoundTrips, t.anchorlineSnapshotBytes, t.peerStateBytes]);
  }
  return out;
}
const COST_HEAD = ['driver', 'turn', 'input', 'RT ours', 'RT peer', 'snapshot B', 'peer state B'];

function verdicts(r: BenchResults): string[] {
  const out: string[] = [];
  const pg = r.ratios.filter((x) => x.driver === 'pg' && x.mode === 'closed');
  if (pg.length) out.push(`Throughput vs peer on PostgreSQL (target ≥ ${TARGETS.ratio}× at 50 and 500): ${pg.map((x) => `${x.ratio}× at ${x.concurrency}`).join(', ')}.`);
  for (const x of r.rows.filter((row) => row.driver === 'pg' && row.mode === 'closed' && row.system === 'Anchorline' && row.concurrency === 50)) {
    out.push(`Round trips per turn at 50 concurrent on PostgreSQL (target ≤ ${TARGETS.roundTripsUnderLoad}): ${x.roundTripsPerTurn} (${x.roundTripsPerTurn <= TARGETS.roundTripsUnderLoad ? 'met' : 'missed'}).`);
  }
  const cost = r.cost.pg ?? r.cost.pglite;
  if (cost) {
    const simple = cost.perTurn.filter((t) => t.turn > 1 && t.turn !== 11);
    const maxRt = Math.max(...simple.map((t) => t.anchorlineRoundTrips));
    out.push(`Round trips per simple turn (target ≤ ${TARGETS.roundTrips}): ${maxRt}; the first turn (creates the conversation): ${cost.perTurn[0]?.anchorlineRoundTrips}; turn 11 (runs the domain action): ${cost.perTurn[10]?.anchorlineRoundTrips}.`);
    const maxSnap = Math.max(...cost.perTurn.map((t) => t.anchorlineSnapshotBytes));
    out.push(`Largest stored snapshot (target < ${TARGETS.snapshotBytes} B): ${maxSnap} B; completed conversations average ${cost.completedSnapshot.avgBytes} B.`);
  }
  const p500 = r.rows.filter((x) => x.system === 'Anchorline' && x.concurrency === 500);
  for (const x of p500) out.push(`p99 at 500 concurrent, ${x.driver} ${x.mode} (target ≤ ${TARGETS.p99Ms} ms): ${x.latencyMs.p99} ms.`);
  return out;
}

function heapLine(r: BenchResults): string {
  const h = r.heap;
  if (!h) return 'Heap per idle conversation: not measured.';
  // Below a few thousand conversations, JIT code and caches filled by the first turns dominate the difference.
  const caveat = h.conversations < 5_000 ? ' Too few conversations for this figure to mean anything (quick run).' : '';
  return `Heap growth for ${h.conversations} idle stored conversations on ${h.driver}: ${h.heapBeforeMb} → ${h.heapAfterMb} MB, ${h.bytesPerConversation} B per conversation = ${h.mbPer10k} MB per 10,000 (GC ${h.gcForced ? 'forced before each reading via v8.setFlagsFromString("--expose-gc")' : 'NOT forced: figure includes garbage'}; ${h.wallMs} ms to create them).${caveat}`;
}

function directLineLine(r: BenchResults): string {
  const d = r.directLine;
  if (!d) return 'Direct Line: not measured.';
  if (!d.measured) return `Direct Line: not measured (${d.reason}).`;
  return `Direct Line over HTTP + WebSocket (${d.driver}): ${d.residents} residents, a message every ~${d.thinkMs} ms each, ${d.turns} turns: POST → first reply on the stream p50 ${d.latencyMs.p50} ms, p95 ${d.latencyMs.p95} ms, p99 ${d.latencyMs.p99} ms, max ${d.latencyMs.max} ms; lost replies ${d.lost}, duplicated ${d.duplicated}, wrong ${d.wrong}${d.firstProblem ? ` (first problem: ${d.firstProblem})` : ''}.`;
}

const SCALING_HEAD = ['server processes', 'residents', 'conversations', 'turns', 'turns/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'lost', 'duplicated', 'wrong', 'server CPU ms/turn', 'client CPU ms/turn'];

function scalingRows(r: BenchResults): Array<Array<string | number>> {
  const s = r.servers?.scaling;
  if (!s?.measured) return [];
  return s.runs.map((x) => [
    x.processes,
    x.residents,
    x.conversations,
    x.turns,
    x.turnsPerSec,
    x.latencyMs.p50,
    x.latencyMs.p95,
    x.latencyMs.p99,
    x.latencyMs.max,
    x.lost,
    x.duplicated,
    x.wrong,
    x.serverCpuMsPerTurn ?? '—',
    x.clientCpuMsPerTurn,
  ]);
}

function scalingLines(r: BenchResults): string[] {
  const s = r.servers?.scaling;
  if (!s) return ['Scaling (server processes sharing one PostgreSQL): not measured.'];
  if (!s.measured) return [`Scaling (server processes sharing one PostgreSQL): not measured (${s.reason}).`];
  const one = s.runs.find((x) => x.processes === 1);
  const two = s.runs.find((x) => x.processes === 2);
  const think = s.runs[0]?.thinkMs ? `a message every ~${s.runs[0].thinkMs} ms each` : 'closed loop: each sends its next message as soon as the replies are in';
  return [
    `Scaling: the shipped flow \`main\` over Direct Line (HTTP + WebSocket) against real server processes (\`node dist/main.js\`, what \`npm start\` runs) on ${r.servers!.where}; ${s.runs[0]?.residents ?? 0} residents (${think}), spread round robin; each conversation's stream stays on the process that started it and its turns alternate between processes, so with 2 processes half the replies cross processes via LISTEN/NOTIFY. Latency = POST → first reply on the stream.`,
    ...s.runs
      .filter((x) => x.crossProcessMs.count > 0)
      .map((x) => `${x.processes} processes, turns posted to the process holding the stream: p50 ${x.sameProcessMs.p50} ms, p99 ${x.sameProcessMs.p99} ms (${x.sameProcessMs.count}); posted to the other process (reply via LISTEN/NOTIFY): p50 ${x.crossProcessMs.p50} ms, p99 ${x.crossProcessMs.p99} ms (${x.crossProcessMs.count}).`),
    ...(one && two ? [`2 processes vs 1: ${round(two.turnsPerSec / one.turnsPerSec)}× the turns/s, p99 ${two.latencyMs.p99} vs ${one.latencyMs.p99} ms; lost / duplicated / wrong replies ${two.lost} / ${two.duplicated} / ${two.wrong} (2 processes), ${one.lost} / ${one.duplicated} / ${one.wrong} (1).`] : []),
  ];
}

function slackLine(r: BenchResults): string {
  const s = r.servers?.slack;
  if (!s) return 'Slack ack latency: not measured.';
  if (!s.measured) return `Slack ack latency: not measured (${s.reason}).`;
  return `Slack ack latency (${s.events} signed event_callback messages in a claimed handoff's thread, one at a time, to a server process with the Web API pointed at a local stand-in; ${s.route}): POST → 200 p50 ${s.ackMs.p50} ms, p95 ${s.ackMs.p95} ms, p99 ${s.ackMs.p99} ms, max ${s.ackMs.max} ms, not acknowledged ${s.notAcked}; adviser's words on the resident's stream p50 ${s.relayMs.p50} ms, p99 ${s.relayMs.p99} ms, relayed ${s.relayed}, lost ${s.lostRelays}, duplicated ${s.duplicatedRelays}${s.firstProblem ? ` (first problem: ${s.firstProblem})` : ''}.`;
}

export function renderTable(r: BenchResults): string {
  return [
    `Anchorline vs botbuilder-dialogs — ${r.date} — ${r.machine.cores} cores ${r.machine.cpu}, Node ${r.machine.node}, load avg ${r.machine.loadAvgStart.join('/')} → ${r.machine.loadAvgEnd.join('/')} (shared machine)`,
    '',
    table(HEAD, r.rows.map(cells)),
    '',
    table(['driver', 'run', 'turns/s or p99', 'ratio', 'target'], ratioRows(r)),
    '',
    table(COST_HEAD, costRows(r)),
    '',
    heapLine(r),
    directLineLine(r),
    ...(scalingRows(r).length ? ['', table(SCALING_HEAD, scalingRows(r))] : []),
    ...scalingLines(r),
    slackLine(r),
    ...openLoopText(r.openLoop),
    ...verdicts(r),
    ...(r.problems.length ? ['', 'Problems:', ...r.problems.map((p) => `  - ${p}`)] : []),
    `Elapsed ${r.elapsedSec} s.`,
  ].join('\n');
}

export function renderMarkdown(r: BenchResults): string {
  return [
    `# Benchmark results${r.quick ? ' (quick run)' : ''}`,
    '',
    `- Date: ${r.date}`,
    `- Command: \`${r.command}\``,
    `- Machine: ${r.machine.cores} cores, ${r.machine.cpu}, ${r.machine.platform}, Node ${r.machine.node}`,
    `- Load average (1/5/15 min) at start ${r.machine.loadAvgStart.join(' / ')}, at end ${r.machine.loadAvgEnd.join(' / ')}. ${r.machine.sharedNote}`,
    ...Object.entries(r.databases).map(([d, w]) => `- ${d}: ${w}`),
    `- Elapsed: ${r.elapsedSec} s`,
    '',
    '## Turns',
    '',
    'Closed loop: N residents each run whole 12-turn conversations back to back with no think time, so latency includes queueing',
    '(at saturation p50 ≈ N / throughput); no turn starts after the time cap, so the 500-wide runs cover mostly the early turns of each',
    'conversation. Paced: N residents each send their next message a random 0.5–1.5 × think time after the reply, for a fixed duration',
    '(offered load ≈ N / think time).',
    'RT/turn = database round trips per turn, counted by the driver wrapper (`Db.roundTrips`). CPU ms/turn = user + system CPU of the',
    'benchmark process per turn (the most load-independent figure on a shared machine; with PGlite it includes the database itself).',
    "DB CPU ms/turn = user + system CPU of the run's own PostgreSQL backends per turn (/proc; told apart by application_name).",
    '',
    md(HEAD, r.rows.map(cells)),
    '',
    md(['driver', 'run', 'Anchorline vs peer', 'ratio', 'target'], ratioRows(r)),
    '',
    '## Cost per turn (one conversation, turn by turn)',
    '',
    md(COST_HEAD, costRows(r)),
    '',
    '## Memory, HTTP, targets',
    '',
    `- ${heapLine(r)}`,
    `- ${directLineLine(r)}`,
    `- ${slackLine(r)}`,
    ...verdicts(r).map((v) => `- ${v}`),
    '',
    '## Scaling: one and two server processes sharing one PostgreSQL',
    '',
    ...scalingLines(r),
    ...(scalingRows(r).length ? ['', md(SCALING_HEAD, scalingRows(r))] : []),
    '',
    ...openLoopMarkdown(r.openLoop),
    ...(r.memory ? ['', '## Server memory with open WebSocket streams', '', ...memoryMarkdown(r.memory)] : []),
    ...(r.startup ? ['', ...renderStartup(r.startup)] : []),
    ...(r.problems.length ? ['', '## Problems', '', ...r.problems.map((p) => `- ${p}`)] : []),
    '',
  ].join('\n');
}
