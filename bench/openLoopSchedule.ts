/**
 * The transport-free core of the open-loop load generator (bench/openLoop.ts): a fixed schedule of
 * send times, a pool of conversations, and latency measured from the *intended* send time, as wrk2
 * does, so a server that stalls shows in the figures instead of slowing the load down
 * ("coordinated omission", Gil Tene). Tested with a fake conversation in test/bench/openLoopSchedule.test.ts.
 */

/** What one turn of a conversation brought; the conversation itself keeps count of replies. */
export interface TurnOutcome {
  /** performance.now() when the first reply of the turn arrived (undefined: none arrived). */
  firstReplyAt?: number | undefined;
  lost: number;
  wrong: number;
  problem?: string | undefined;
}

/** A conversation the generator can send its next message to; never two at once. */
export interface LoopConversation {
  /** Messages left in its script. */
  left(): number;
  /** Sends the next message; resolves when the turn is over (all replies in, or given up). */
  send(): Promise<TurnOutcome>;
  /** Replies seen twice (same activity id) and replies nobody asked for, so far. */
  strays(): { duplicated: number; wrong: number; problem?: string | undefined };
  close(): void;
}

export interface OpenLoopOptions {
  ratePerSec: number;
  durationMs: number;
  /** Conversations opened before the clock starts. */
  initialPool: number;
  /** Upper bound on conversations open at once, so a stalled server does not get thousands of sockets. */
  maxPool: number;
  /**
   * How long after the last scheduled time queued sends may still go out; the rest count as not sent,
   * so an overloaded run ends (turns already sent still get their replies or time out).
   */
  drainMs: number;
  /** Opens a fresh conversation ready for its first message (greeting received), or explains why not. */
  open: () => Promise<LoopConversation | { error: string }>;
}

export interface OpenLoopResult {
  ratePerSec: number;
  durationMs: number;
  /** Sends the schedule asked for (rate × duration). */
  scheduled: number;
  /** Turns whose first reply arrived. */
  answered: number;
  /** Latency of those, ms from the intended send time to the first reply. */
  latenciesMs: Float64Array;
  /** ms from the moment the message actually went out to the first reply (what a closed-loop client would report). */
  serviceMs: Float64Array;
  /** For sends that had a free conversation: how late the client's own timer fired (ms). */
  schedulingLagMs: Float64Array;
  /** Sends that found no free conversation and went out later (latency still counted from the intended time). */
  late: number;
  /** Sends that never went out: no conversation was free (or could be opened) by the end of the drain time. */
  notSent: number;
  /** Answered turns / (last first reply − start), turns per second. */
  achievedPerSec: number;
  conversationsOpened: number;
  lost: number;
  duplicated: number;
  wrong: number;
  firstProblem?: string;
  /** Start and end of the whole run (performance.now()), for CPU accounting by the caller. */
  wallMs: number;
}

/** Evenly spaced send times (constant rate, like wrk2), ms after the start: i × 1000 / rate. */
export const scheduleOffsets = (ratePerSec: number, durationMs: number): number[] =>
  Array.from({ length: Math.floor((ratePerSec * durationMs) / 1000) }, (_, i) => (i * 1000) / ratePerSec);

/**
 * Runs the schedule: at each intended time the message goes to the conversation that has been free
 * longest; with none free the send waits in a queue (counted as late) and one more conversation is
 * opened. Conversations that reach the end of their script are closed and replaced. Resolves when
 * every send has been answered or given up and every conversation is closed.
 */
export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const offsets = scheduleOffsets(o.ratePerSec, o.durationMs);
  const latencies: number[] = [];
  const service: number[] = [];
  const lag: number[] = [];
  const ready: LoopConversation[] = [];
  const backlog: number[] = [];
  const all = new Set<LoopConversation>();
  let late = 0;
  let opened = 0;
  let opening = 0;
  let inFlight = 0;
  let lost = 0;
  let wrong = 0;
  let duplicated = 0;
  let lastReplyAt = 0;
  let firstProblem: string | undefined;
  let next = 0;
  let draining = false;
  let abandoned = 0;
  let drainTimer: NodeJS.Timeout | undefined;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((r) => (settle = r));
  const problem = (p: string | undefined) => (firstProblem ??= p);
  const idle = () => next >= offsets.length && inFlight === 0 && opening === 0;
  const checkDone = () => {
    if (!idle()) return;
    settle();
  };

  const retire = (c: LoopConversation) => {
    const s = c.strays();
    duplicated += s.duplicated;
    wrong += s.wrong;
    problem(s.problem);
    all.delete(c);
    c.close();
  };

  const fire = (c: LoopConversation, intended: number, wasLate: boolean) => {
    const at = performance.now();
    if (!wasLate) lag.push(at - intended);
    inFlight++;
    void c.send().then(
      (out) => {
        inFlight--;
        if (out.firstReplyAt !== undefined) {
          latencies.push(out.firstReplyAt - intended);
          service.push(out.firstReplyAt - at);
          lastReplyAt = Math.max(lastReplyAt, out.firstReplyAt);
        }
        lost += out.lost;
        wrong += out.wrong;
        problem(out.problem);
        // A conversation that lost replies is in an unknown state: retire it rather than reuse it.
        release(c, out.lost === 0 && out.wrong === 0);
      },
      (err: unknown) => {
        inFlight--;
        wrong++;
        problem(`send failed: ${(err as Error).message}`);
        release(c, false);
      },
    );
  };

  const release = (c: LoopConversation, reusable: boolean) => {
    if (reusable && c.left() > 0) {
      const waiting = draining ? undefined : backlog.shift();
      if (waiting !== undefined) fire(c, waiting, true);
      else ready.push(c);
    } else {
      retire(c);
      openOne();
    }
    checkDone();
  };

  /** A conversation that opened joins the pool; one that could not is counted as wrong. */
  const took = (c: Awaited<ReturnType<typeof o.open>>): LoopConversation | undefined => {
    if ('error' in c) {
      wrong++;
      problem(`open: ${c.error}`);
      return undefined;
    }
    opened++;
    all.add(c);
    return c;
  };

  const openOne = () => {
    if (all.size + opening >= o.maxPool) return;
    // Past the schedule, replace only what a queued send still needs.
    if (draining || (next >= offsets.length && backlog.length <= opening)) return;
    opening++;
    void o.open().then(
      (c) => {
        opening--;
        const ok = took(c);
        if (ok) release(ok, true);
        checkDone();
      },
      (err: unknown) => {
        opening--;
        wrong++;
        problem(`open: ${(err as Error).message}`);
        checkDone();
      },
    );
  };

  // The pool is opened before the clock starts; its greetings are not part of the measurement.
  const first = await Promise.all(Array.from({ length: Math.min(o.initialPool, o.maxPool) }, () => o.open()));
  for (const c of first) {
    const ok = took(c);
    if (ok) ready.push(ok);
  }

  const t0 = performance.now() + 5;
  const dispatch = (intended: number) => {
    const c = ready.shift();
    if (c) return fire(c, intended, false);
    late++;
    backlog.push(intended);
    openOne();
  };
  const tick = () => {
    const now = performance.now();
    // Every send whose time has come goes now, however late the timer fired: the schedule never slips.
    while (next < offsets.length && t0 + offsets[next]! <= now) dispatch(t0 + offsets[next++]!);
    if (next < offsets.length) setTimeout(tick, Math.max(0, t0 + offsets[next]! - performance.now()));
    else {
      drainTimer = setTimeout(giveUp, o.drainMs);
      checkDone();
    }
  };
  const giveUp = () => {
    draining = true;
    abandoned = backlog.splice(0).length;
    checkDone();
  };
  if (offsets.length) setTimeout(tick, 5);
  else settle();
  await settled;
  clearTimeout(drainTimer);

  // Nothing in flight and nothing opening, yet sends still queued: no conversation could take them.
  const notSent = abandoned + backlog.length;
  for (const c of all) retire(c);
  const answered = latencies.length;
  return {
    ratePerSec: o.ratePerSec,
    durationMs: o.durationMs,
    scheduled: offsets.length,
    answered,
    latenciesMs: Float64Array.from(latencies),
    serviceMs: Float64Array.from(service),
    schedulingLagMs: Float64Array.from(lag),
    late,
    notSent,
    achievedPerSec: answered && lastReplyAt > t0 ? (answered / (lastReplyAt - t0)) * 1000 : 0,
    conversationsOpened: opened,
    lost,
    duplicated,
    wrong,
    ...(firstProblem ? { firstProblem } : {}),
    wallMs: performance.now() - t0,
  };
}
