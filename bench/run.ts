/**
 * `npm run bench` — Anchorline's engine vs a botbuilder-dialogs peer, side by side.
 * Environment: BENCH_QUICK=1 (seconds), BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/test),
 * BENCH_DRIVERS (default pglite,pg), BENCH_IDLE (idle conversations for the heap figure, default 10000),
 * BENCH_THINK_MS (paced and Direct Line think time, default 5000), BENCH_DL_RESIDENTS (default 200),
 * BENCH_SCALE_RESIDENTS (residents against 1 and 2 server processes, default 40), BENCH_SCALE_THINK_MS
 * (their think time, default 0 = closed loop), BENCH_SLACK_EVENTS (signed Slack events, default 100),
 * BENCH_OPEN_RATES (open-loop offered turns/s, default 100,200,400; off = skip), BENCH_OPEN_SECONDS (each, default 60).
 */
import { configFromEnv, runBench } from './runBench.ts';

const t0 = performance.now();
const log = (line: string) => console.log(line.includes('\n') || !line ? line : `[${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${line}`);
const results = await runBench(configFromEnv(process.env, log));
const dl = results.directLine;
const scaling = results.servers?.scaling;
const slack = results.servers?.slack;
const failed =
  results.rows.some((r) => r.errors > 0) ||
  (dl?.measured === true && dl.lost + dl.duplicated + dl.wrong > 0) ||
  (scaling?.measured === true && scaling.runs.some((r) => r.lost + r.duplicated + r.wrong > 0)) ||
  (slack?.measured === true && slack.notAcked + slack.lostRelays + slack.duplicatedRelays > 0) ||
  // Messages not sent at an offered rate beyond the server's capacity are a figure of the run (its
  // "not sent" column), not a fault; lost, duplicated or wrong replies are.
  (results.openLoop?.measured === true && results.openLoop.runs.some((r) => r.lost + r.duplicated + r.wrong > 0));
process.exitCode = failed ? 1 : 0;
