import { describe, expect, it } from 'vitest';
import { runOpenLoop, type LoopConversation } from '../../bench/openLoopSchedule.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in conversation whose replies take `replyMs`; it records sends that overlapped. */
function fakeConversations(o: { replyMs: number; turns: number }) {
  const stats = { opened: 0, overlapping: 0, sends: 0 };
  const open = async (): Promise<LoopConversation> => {
    stats.opened++;
    let left = o.turns;
    let busy = false;
    return {
      left: () => left,
      send: async () => {
        if (busy) stats.overlapping++;
        busy = true;
        stats.sends++;
        left--;
        await sleep(o.replyMs);
        busy = false;
        return { firstReplyAt: performance.now(), lost: 0, wrong: 0 };
      },
      strays: () => ({ duplicated: 0, wrong: 0 }),
      close: () => undefined,
    };
  };
  return { stats, open };
}

describe('open-loop load generator', () => {
  it('counts latency from the intended send time when slow replies hold the only conversation up', async () => {
    // 10 sends 10 ms apart, one conversation whose replies take 40 ms: send k waits for the k before it.
    const { stats, open } = fakeConversations({ replyMs: 40, turns: 1000 });
    const r = await runOpenLoop({ ratePerSec: 100, durationMs: 100, initialPool: 1, maxPool: 1, drainMs: 10_000, open });

    expect(r.scheduled).toBe(10);
    expect(r.answered).toBe(10);
    expect(stats.overlapping).toBe(0);
    // Every send but the first found the conversation busy and went out late.
    expect(r.late).toBe(9);
    // The last send was due at 90 ms and answered at ≥ 400 ms: ≥ 310 ms, though each reply took ~40 ms.
    expect(Math.max(...r.latenciesMs)).toBeGreaterThanOrEqual(300);
    expect(Math.max(...r.latenciesMs) - Math.max(...r.serviceMs)).toBeGreaterThanOrEqual(250);
    expect(r.achievedPerSec).toBeLessThan(50);
  });

  it('keeps to the schedule with free conversations, one message per conversation at a time, replacing finished ones', async () => {
    const { stats, open } = fakeConversations({ replyMs: 5, turns: 2 });
    const r = await runOpenLoop({ ratePerSec: 200, durationMs: 200, initialPool: 4, maxPool: 40, drainMs: 10_000, open });

    expect(r.scheduled).toBe(40);
    expect(r.answered).toBe(40);
    expect(stats.sends).toBe(40);
    expect(stats.overlapping).toBe(0);
    // Two turns each: at least 20 conversations were needed for 40 sends.
    expect(stats.opened).toBeGreaterThanOrEqual(20);
    expect(r.conversationsOpened).toBe(stats.opened);
    expect(r.notSent).toBe(0);
    expect(r.schedulingLagMs.length + r.late).toBe(40);
  });

  it('gives up on queued sends after the drain time and counts them as not sent', async () => {
    // One conversation answering in 100 ms, 20 sends 5 ms apart: only ~3 can go out within 100 ms + 200 ms drain.
    const { stats, open } = fakeConversations({ replyMs: 100, turns: 1000 });
    const r = await runOpenLoop({ ratePerSec: 200, durationMs: 100, initialPool: 1, maxPool: 1, drainMs: 200, open });

    expect(r.scheduled).toBe(20);
    expect(r.answered).toBe(stats.sends);
    expect(r.answered + r.notSent).toBe(20);
    expect(r.notSent).toBeGreaterThanOrEqual(15);
  });

  it('reports sends that could not go out when no conversation can be opened', async () => {
    const r = await runOpenLoop({ ratePerSec: 100, durationMs: 50, initialPool: 2, maxPool: 4, drainMs: 100, open: async () => ({ error: 'start answered 503' }) });

    expect(r.scheduled).toBe(5);
    expect(r.answered).toBe(0);
    expect(r.notSent).toBe(5);
    expect(r.firstProblem).toContain('503');
  });
});
