import { findOpenHandoff } from '../src/store/handoffs.ts';
import { openBenchDb, POOL_MAX, redact } from './benchDb.ts';
import { SECRET } from './directLineLoad.ts';
import { converse, newTally, openConversation, sleep, type ResidentTurn } from './directLineResident.ts';
import { startServer, type ServerProcess } from './serverProcess.ts';
import { slackSignature, startSlackStandIn, type SlackStandIn } from './slackStandIn.ts';
import { round, summarise, type LatencySummary } from './stats.ts';

/**
 * The real shipped flow `main` (flows/main.flow.yaml, as in flows/tests/journey-en.test.yaml) up to
 * the postcode question: the next answer would run checkEligibility, which calls postcodes.io.
 * Turn 0 is the greeting the conversation start brings.
 */
export const MAIN_SCRIPT: readonly ResidentTurn[] = [
  { replies: 2, expect: 'Which language' },
  { text: 'English', value: 'en', replies: 2, expect: 'keep your answers' },
  { text: 'Yes', value: 'yes', replies: 2, expect: 'How old are you' },
  { text: '19', replies: 1, expect: 'at the moment' },
  { text: 'looking for work', replies: 1, expect: 'worked in a pub' },
  { text: 'No, never', value: 'never', replies: 1, expect: 'allowed to work' },
  { text: 'yes', replies: 1, expect: 'postcode' },
];

export interface ServerBenchConfig {
  databaseUrl: string;
  scaling: {
    /** Server processes to compare, e.g. [1, 2]. */
    processes: number[];
    residents: number;
    /** 0 = closed loop: the next message goes as soon as the turn's replies are in. */
    thinkMs: number;
    durationMs: number;
    /** Messages posted per conversation after the greeting (at most MAIN_SCRIPT.length - 1). */
    turnsPerConversation: number;
    /** Stop each resident after this many conversations (undefined: until the time is up). */
    conversationsPerResident?: number | undefined;
  };
  slackEvents: number;
  log: (line: string) => void;
}

export interface ScalingRun {
  processes: number;
  residents: number;
  thinkMs: number;
  conversations: number;
  /** Messages posted and answered (conversation starts not counted). */
  turns: number;
  wallMs: number;
  turnsPerSec: number;
  /** POST → first reply of that turn on the conversation's stream (often served by another process). */
  latencyMs: LatencySummary;
  /** The same, for turns posted to the process holding the stream / to the other process (reply via NOTIFY). */
  sameProcessMs: LatencySummary;
  crossProcessMs: LatencySummary;
  lost: number;
  duplicated: number;
  wrong: number;
  firstProblem?: string;
  /** CPU of all server processes per turn (starts included in the divisor), from /proc. */
  serverCpuMsPerTurn?: number;
  /** CPU of the benchmark process (the simulated residents) per turn. */
  clientCpuMsPerTurn: number;
}

export interface SlackAckResult {
  events: number;
  /** POST of a signed event → the 200 acknowledgement. */
  ackMs: LatencySummary;
  notAcked: number;
  /** The adviser's words reaching the resident's Direct Line stream (event POST → message on the stream). */
  relayMs: LatencySummary;
  relayed: number;
  lostRelays: number;
  duplicatedRelays: number;
  /** Which process acknowledged the events and which one held the resident's stream. */
  route: string;
  firstProblem?: string;
}

export type Measured<T> = ({ measured: true } & T) | { measured: false; reason: string };

export interface ServerBenchResults {
  where: string;
  scaling: Measured<{ runs: ScalingRun[] }>;
  slack: Measured<SlackAckResult>;
}

const SIGNING_KEY = 'bench-token-signing-key-0123456789abcdef';
const SLACK_SECRET = 'bench-slack-signing-secret';
const CHANNEL = 'C0BENCH';
const ALL_DAY = JSON.stringify({ default: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])) });

const summary = (xs: number[]): LatencySummary => Object.fromEntries(Object.entries(summarise(xs)).map(([k, v]) => [k, round(v)])) as unknown as LatencySummary;

/** Search path in the URL itself (libpq `options`), so the unchanged server uses the bench schema. */
export const withSearchPath = (url: string, schema: string) => `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

/** The same Direct Line load against the first `n` servers, residents spread round robin. */
async function scalingRun(servers: ServerProcess[], cfg: ServerBenchConfig['scaling'], tag: string): Promise<ScalingRun> {
  const n = servers.length;
  const bases = servers.map((s) => `${s.base}/v3/directline`);
  const script = MAIN_SCRIPT.slice(0, 1 + Math.min(cfg.turnsPerConversation, MAIN_SCRIPT.length - 1));
  const tally = newTally();
  const cpu0 = servers.map((s) => s.cpuSeconds());
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + cfg.durationMs;
  await Promise.all(
    Array.from({ length: cfg.residents }, async (_, r) => {
      if (cfg.thinkMs > 0) await sleep(Math.random() * cfg.thinkMs);
      for (let k = 0; performance.now() < deadline && (cfg.conversationsPerResident === undefined || k < cfg.conversationsPerResident); k++) {
        // Stream on `home`; turn i goes to the next process along, so with two processes every
        // other turn is handled by the process that does not hold the stream.
        const home = (r + k) % n;
        await converse({ startBase: bases[home]!, postBase: (i) => bases[(home + i) % n]!, secret: SECRET, userId: `${tag}-r${r}-c${k}`, script, thinkMs: cfg.thinkMs, deadline, tally });
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const client = process.cpuUsage(client0);
  const turns = tally.latencies.length;
  const cpu1 = servers.map((s) => s.cpuSeconds());
  const serverCpu = cpu0.every((c) => c !== undefined) && cpu1.every((c) => c !== undefined) ? cpu1.reduce((a, c, i) => a + c! - cpu0[i]!, 0) : undefined;
  const work = Math.max(1, turns + tally.conversations);
  return {
    processes: n,
    residents: cfg.residents,
    thinkMs: cfg.thinkMs,
    conversations: tally.conversations,
    turns,
    wallMs: round(wallMs, 0),
    turnsPerSec: round((turns / wallMs) * 1000, 1),
    latencyMs: summary(tally.latencies),
    sameProcessMs: summary(tally.sameProcess),
    crossProcessMs: summary(tally.crossProcess),
    lost: tally.lost,
    duplicated: tally.duplicated,
    wrong: tally.wrong,
    ...(tally.firstProblem ? { firstProblem: tally.firstProblem } : {}),
    ...(serverCpu !== undefined ? { serverCpuMsPerTurn: round((serverCpu * 1000) / work) } : {}),
    clientCpuMsPerTurn: round((client.user + client.system) / 1000 / work),
  };
}

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Signed Slack events (an adviser's message in a claimed handoff's thread) posted one at a time to
 * `slackServer`; the resident's stream is on `streamServer`, so each relayed message crosses processes
 * when they differ. A real handoff is opened first: the resident types "talk to a person", the card is
 * posted to the stand-in, and the adviser claims it with the card's button.
 */
async function slackAck(opts: { slackServer: ServerProcess; streamServer: ServerProcess; standIn: SlackStandIn; events: number; db: Parameters<typeof findOpenHandoff>[0] }): Promise<SlackAckResult> {
  const { slackServer, streamServer, standIn } = opts;
  const conv = await openConversation(`${streamServer.base}/v3/directline`, SECRET, 'slack-bench-resident');
  if ('error' in conv) throw new Error(`slack: ${conv.error}`);
  const received = new Map<string, number>();
  const arrivals: Array<{ text: string; at: number }> = [];
  conv.onMessage((a) => {
    const text = a.text ?? '';
    received.set(text, (received.get(text) ?? 0) + 1);
    arrivals.push({ text, at: performance.now() });
  });
  try {
    await until(() => (arrivals.length >= MAIN_SCRIPT[0]!.replies ? true : undefined), 'the greeting');
    const asked = await conv.post(`${slackServer.base}/v3/directline`, { text: 'talk to a person', clientActivityId: 'slack-bench-person' });
    await asked.arrayBuffer();
    if (!asked.ok) throw new Error(`slack: "talk to a person" answered ${asked.status}`);
    const card = await until(() => {
      const c = standIn.calls.find((x) => x.method === 'chat.postMessage' && x.ts && /"key":"card:\d+"/.test(x.body.metadata ?? ''));
      return c ? { id: Number(/card:(\d+)/.exec(c.body.metadata!)![1]), ts: c.ts! } : undefined;
    }, 'the handoff card');
    const url = `${slackServer.base}/slack/events`;
    const post = (body: string, type: string) => fetch(url, { method: 'POST', headers: { 'content-type': type, ...slackSignature(body, SLACK_SECRET) }, body });
    const claim = new URLSearchParams({
      payload: JSON.stringify({ type: 'block_actions', team: { id: 'T1' }, user: { id: 'UBENCH', name: 'Sam' }, channel: { id: CHANNEL }, actions: [{ type: 'button', action_id: 'handoff_claim', value: String(card.id) }] }),
    }).toString();
    const claimed = await post(claim, 'application/x-www-form-urlencoded');
    await claimed.arrayBuffer();
    await until(async () => ((await findOpenHandoff(opts.db, conv.conversationId))?.adviserId === 'UBENCH' ? true : undefined), 'the claim');

    const ack: number[] = [];
    const relay: number[] = [];
    let notAcked = 0;
    let lostRelays = 0;
    let firstProblem: string | undefined;
    for (let i = 0; i < opts.events; i++) {
      const text = `bench adviser reply ${i}`;
      const body = JSON.stringify({
        type: 'event_callback',
        team_id: 'T1',
        api_app_id: 'A1',
        event_id: `EvBench${i}`,
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'message', channel: CHANNEL, user: 'UBENCH', text, ts: `${1800000000 + i}.000100`, thread_ts: card.ts },
        authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      });
      const t0 = performance.now();
      const res = await post(body, 'application/json');
      ack.push(performance.now() - t0);
      await res.arrayBuffer();
      if (res.status !== 200) {
        notAcked++;
        firstProblem ??= `event ${i}: answered ${res.status}`;
        continue;
      }
      try {
        const at = await until(() => arrivals.find((a) => a.text === text)?.at, 'the relayed reply', 10_000);
        relay.push(at - t0);
      } catch {
        lostRelays++;
        firstProblem ??= `event ${i}: the adviser's message did not reach the resident within 10 s`;
      }
    }
    await sleep(100);
    const duplicatedRelays = [...received].filter(([t, c]) => t.startsWith('bench adviser reply') && c > 1).reduce((a, [, c]) => a + c - 1, 0);
    return {
      events: opts.events,
      ackMs: summary(ack),
      notAcked,
      relayMs: summary(relay),
      relayed: relay.length,
      lostRelays,
      duplicatedRelays,
      route: slackServer === streamServer ? `events and stream on ${slackServer.name}` : `events to ${slackServer.name}, resident's stream on ${streamServer.name}`,
      ...(firstProblem ? { firstProblem } : {}),
    };
  } finally {
    conv.close();
  }
}

/**
 * Real server processes (`node --import tsx src/main.ts`) on one fresh PostgreSQL schema: the Direct
 * Line load on 1 and on 2 processes (replies cross processes via LISTEN/NOTIFY), then Slack ack latency.
 * Every server started is stopped before returning, also on failure.
 */
export async function serverBench(cfg: ServerBenchConfig): Promise<ServerBenchResults> {
  const log = cfg.log;
  const b = await openBenchDb('pg', cfg.databaseUrl);
  const servers: ServerProcess[] = [];
  let standIn: SlackStandIn | undefined;
  const out: ServerBenchResults = {
    where: `${b.where.replace(`pool ${POOL_MAX}`, `pool ${POOL_MAX} per server process`)}`,
    scaling: { measured: false, reason: 'not run' },
    slack: { measured: false, reason: 'not run' },
  };
  try {
    standIn = await startSlackStandIn(CHANNEL);
    const env = {
      DATABASE_URL: withSearchPath(cfg.databaseUrl, b.schema!),
      DB_POOL_MAX: String(POOL_MAX),
      TOKEN_SIGNING_KEY: SIGNING_KEY,
      DIRECTLINE_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      FLOWS_WATCH: 'false',
      NODE_ENV: 'test',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_HANDOFF_CHANNEL: CHANNEL,
      SLACK_API_URL: standIn.apiUrl,
      // Advisers "at work" at any hour, so the handoff card is posted whenever the bench runs.
      HANDOFF_OFFICE_HOURS: ALL_DAY,
    };
    const want = Math.max(1, ...cfg.scaling.processes);
    // One after the other: the schema is migrated already, but each start also seeds coordinator data.
    for (let i = 0; i < want; i++) {
      const t0 = performance.now();
      servers.push(await startServer(String.fromCharCode(65 + i), env));
      log(`server ${servers[i]!.name} ready on ${servers[i]!.base} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${redact(cfg.databaseUrl)}, schema ${b.schema})`);
    }

    try {
      const runs: ScalingRun[] = [];
      for (const n of cfg.scaling.processes) {
        const run = await scalingRun(servers.slice(0, n), cfg.scaling, `p${n}`);
        runs.push(run);
        log(
          `scaling: ${n} process${n > 1 ? 'es' : ''}, ${run.residents} residents: ${run.turnsPerSec} turns/s, p50 ${run.latencyMs.p50} p99 ${run.latencyMs.p99} ms${run.crossProcessMs.count ? ` (reply from the other process: p50 ${run.crossProcessMs.p50} p99 ${run.crossProcessMs.p99} ms; same process: p50 ${run.sameProcessMs.p50} p99 ${run.sameProcessMs.p99} ms)` : ''}, ${run.turns} turns in ${run.conversations} conversations, lost ${run.lost} duplicated ${run.duplicated} wrong ${run.wrong}${run.firstProblem ? ` (${run.firstProblem})` : ''}`,
        );
      }
      out.scaling = { measured: true, runs };
      if (runs.some((x) => x.lost + x.duplicated + x.wrong > 0)) {
        for (const sv of servers) log(`server ${sv.name} output (last lines):\n${sv.output().trim().split('\n').slice(-5).join('\n')}`);
      }
    } catch (err) {
      // A server that died mid-run shows as a failed request first; give its exit a moment to register.
      await sleep(500);
      const ended = servers.filter((sv) => sv.ended()).map((sv) => `server ${sv.name} ended (${sv.ended()}): ${sv.output().trim().slice(-300)}`);
      out.scaling = { measured: false, reason: `failed: ${(err as Error).message}${ended.length ? `; ${ended.join('; ')}` : ''}` };
    }

    if (cfg.slackEvents > 0) {
      try {
        const r = await slackAck({ slackServer: servers[0]!, streamServer: servers.at(-1)!, standIn, events: cfg.slackEvents, db: b.db });
        out.slack = { measured: true, ...r };
        log(`slack: ${r.events} signed events, ack p50 ${r.ackMs.p50} p99 ${r.ackMs.p99} ms; relay to the resident p50 ${r.relayMs.p50} p99 ${r.relayMs.p99} ms, lost ${r.lostRelays} duplicated ${r.duplicatedRelays}${r.firstProblem ? ` (${r.firstProblem})` : ''}`);
      } catch (err) {
        out.slack = { measured: false, reason: `failed: ${(err as Error).message}` };
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await standIn?.close();
    await b.close();
  }
  return out;
}
