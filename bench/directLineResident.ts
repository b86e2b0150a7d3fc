import { WebSocket } from 'ws';

/** One turn of a simulated Web Chat resident: what it posts and what must come back. */
export interface ResidentTurn {
  text?: string | undefined;
  value?: string | undefined;
  /** Bot replies this turn must bring (a wrong count or a missing word marks it wrong). */
  replies: number;
  /** A word the last reply must contain. */
  expect: string;
}

/** What all residents of one run found; shared and mutated by `converse`. */
export interface DirectLineTally {
  /** Milliseconds from POST to the first reply of that turn arriving on the WebSocket. */
  latencies: number[];
  /** The same latencies split by where the turn was posted: the stream's own process, or another one. */
  sameProcess: number[];
  crossProcess: number[];
  conversations: number;
  /** Expected bot replies that never arrived / arrived twice (same activity id). */
  lost: number;
  duplicated: number;
  /** Turns whose replies came back wrong (content), or bot replies nobody asked for. */
  wrong: number;
  firstProblem?: string;
}

export const newTally = (): DirectLineTally => ({ latencies: [], sameProcess: [], crossProcess: [], conversations: 0, lost: 0, duplicated: 0, wrong: 0 });

interface Activity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; role?: string };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An open Direct Line conversation: its token and stream; bot messages go to `onMessage`. */
export interface OpenConversation {
  conversationId: string;
  token: string;
  userId: string;
  onMessage(fn: (a: Activity) => void): void;
  post(base: string, activity: { text?: string | undefined; value?: string | undefined; clientActivityId: string }): Promise<Response>;
  close(): void;
  /** Bot messages in the conversation's activity log, read over HTTP (GET …/activities). */
  readLog(base: string): Promise<string>;
}

/**
 * Starts a conversation at `base` with the Direct Line secret (as a partner back end does, so
 * the anonymous rate limit does not apply), opens its WebSocket stream and waits until it is open.
 * The stream replays what is already there (the greeting) from the start.
 */
export async function openConversation(base: string, secret: string, userId: string): Promise<OpenConversation | { error: string }> {
  const started = await fetch(`${base}/conversations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user: { id: userId } }),
  });
  if (started.status !== 201) {
    await started.arrayBuffer();
    return { error: `start answered ${started.status}` };
  }
  const conv = (await started.json()) as { conversationId: string; token: string; streamUrl: string };
  // The first frame (the greeting) can arrive in the same socket read as the upgrade answer, so it is
  // emitted right after 'open', before the caller could attach a listener: keep it until then.
  let listener: ((a: Activity) => void) | undefined;
  const early: Activity[] = [];
  const ws = new WebSocket(conv.streamUrl);
  ws.on('message', (data: Buffer) => {
    if (!data.length) return;
    const set = JSON.parse(data.toString()) as { activities: Activity[] };
    for (const a of set.activities) {
      if (a.from.role === 'user' || a.type !== 'message') continue;
      if (listener) listener(a);
      else early.push(a);
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  } catch (err) {
    return { error: `stream: ${(err as Error).message}` };
  }
  return {
    conversationId: conv.conversationId,
    token: conv.token,
    userId,
    onMessage: (fn) => {
      listener = fn;
      for (const a of early.splice(0)) fn(a);
    },
    post: (postBase, a) =>
      fetch(`${postBase}/conversations/${encodeURIComponent(conv.conversationId)}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          from: { id: userId },
          text: a.text,
          ...(a.value !== undefined ? { value: a.value } : {}),
          channelData: { clientActivityID: a.clientActivityId },
        }),
      }),
    close: () => ws.close(),
    readLog: async (logBase) => {
      const res = await fetch(`${logBase}/conversations/${encodeURIComponent(conv.conversationId)}/activities`, { headers: { authorization: `Bearer ${conv.token}` } });
      if (!res.ok) return `answered ${res.status}`;
      const set = (await res.json()) as { activities: Activity[] };
      return `${set.activities.filter((a) => a.from.role !== 'user' && a.type === 'message').length} bot messages`;
    },
  };
}

/**
 * One simulated resident's conversation: start it at `startBase` (script turn 0 is the greeting
 * the start brings), then post the other turns a think time apart, turn i to `postBase(i)` — with
 * several server processes the turns land on other processes than the stream, so replies must
 * cross processes. No turn is posted after `deadline` (performance.now() time).
 */
export async function converse(o: {
  startBase: string;
  postBase: (turn: number) => string;
  secret: string;
  userId: string;
  script: readonly ResidentTurn[];
  thinkMs: number;
  deadline: number;
  tally: DirectLineTally;
  replyTimeoutMs?: number;
}): Promise<void> {
  const { tally, script } = o;
  const problem = (p: string) => (tally.firstProblem ??= p);
  const conv = await openConversation(o.startBase, o.secret, o.userId);
  if ('error' in conv) {
    tally.wrong++;
    problem(conv.error);
    return;
  }
  tally.conversations++;
  const seen = new Set<string>();
  const greeting: Activity[] = [];
  let waiting: { turn: number; t0: number; cross: boolean; got: Activity[]; done: () => void } | undefined;
  let posted = false;
  conv.onMessage((a) => {
    if (seen.has(a.id)) {
      tally.duplicated++;
      return;
    }
    seen.add(a.id);
    if (waiting && waiting.got.length < script[waiting.turn]!.replies) {
      if (!waiting.got.length) {
        const ms = performance.now() - waiting.t0;
        tally.latencies.push(ms);
        (waiting.cross ? tally.crossProcess : tally.sameProcess).push(ms);
      }
      waiting.got.push(a);
      if (waiting.got.length === script[waiting.turn]!.replies) waiting.done();
    } else if (!posted && greeting.length < script[0]!.replies) {
      greeting.push(a);
    } else {
      // A reply beyond what the turn asked for: some turn answered twice or the wrong stream got it.
      tally.wrong++;
      problem(`stray reply after turn ${waiting ? waiting.turn + 1 : 'greeting'}: "${(a.text ?? '').slice(0, 40)}"`);
    }
  });
  const timeout = o.replyTimeoutMs ?? 15_000;
  const greetingBy = Date.now() + timeout;
  while (greeting.length < script[0]!.replies && Date.now() < greetingBy) await sleep(10);
  if (greeting.length !== script[0]!.replies) {
    tally.lost += Math.max(0, script[0]!.replies - greeting.length);
    // Tell "never written" from "written but not streamed": the same log over plain HTTP.
    const log = await conv.readLog(o.startBase).catch((err: unknown) => `unreadable (${(err as Error).message})`);
    problem(`greeting: ${greeting.length} replies on the stream within ${timeout} ms; the activity log over HTTP has ${log} (conversation ${conv.conversationId} started at ${o.startBase})`);
  } else if (!(greeting.at(-1)?.text ?? '').includes(script[0]!.expect)) {
    tally.wrong++;
    problem(`greeting lacks "${script[0]!.expect}"`);
  }
  for (let i = 1; i < script.length; i++) {
    if (o.thinkMs > 0) await sleep(o.thinkMs * (0.5 + Math.random()));
    if (performance.now() > o.deadline) break;
    const s = script[i]!;
    posted = true;
    const postBase = o.postBase(i);
    const arrived = new Promise<void>((done) => (waiting = { turn: i, t0: performance.now(), cross: postBase !== o.startBase, got: [], done }));
    const res = await conv.post(postBase, { text: s.text, value: s.value, clientActivityId: `${o.userId}-${i}` });
    await res.arrayBuffer();
    if (!res.ok) problem(`turn ${i + 1}: POST answered ${res.status}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([arrived.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeout)))]);
    clearTimeout(timer);
    const w = waiting!;
    if (timedOut) {
      tally.lost += s.replies - w.got.length;
      problem(`turn ${i + 1}: ${w.got.length} of ${s.replies} replies within ${timeout} ms`);
    } else if (!(w.got.at(-1)?.text ?? '').includes(s.expect)) {
      tally.wrong++;
      problem(`turn ${i + 1}: last reply lacks "${s.expect}"`);
    }
  }
  // Anything arriving after the last turn would be a duplicate or a stray.
  await sleep(50);
  conv.close();
}
