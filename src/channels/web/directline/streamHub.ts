import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { MESSAGES_CHANNEL } from '../../../engine/port.ts';
import type { Db } from '../../../store/db.ts';
import { readActivityLog, type DirectLineActivity } from './activityLog.ts';

interface Subscriber {
  ws: WebSocket;
  conversationId: string;
  afterSeq: number;
  alive: boolean;
  pumping: boolean;
  again: boolean;
}

export interface StreamHub {
  /** Streams the log after `afterSeq` now, then every new message of the conversation. */
  add(ws: WebSocket, conversationId: string, afterSeq: number): Promise<void>;
  /** Sends an activity that is not stored (an echoed event) to this process's open streams. */
  sendEphemeral(conversationId: string, activity: DirectLineActivity): void;
  readonly size: number;
  close(): Promise<void>;
}

/**
 * Open Direct Line WebSockets of this process. New messages are announced by the engine with
 * `NOTIFY anchorline_messages, '<conversationId>'` after each commit, from whichever process
 * wrote them; each stream then reads the activity log after its own watermark, so a missed or
 * coalesced notification never loses a message (the next read catches up).
 */
export function createStreamHub(opts: { db: Db; logger: Logger; keepAliveMs?: number }): StreamHub {
  const { db, logger } = opts;
  const byConversation = new Map<string, Set<Subscriber>>();
  let listening: Promise<() => Promise<void>> | null = null;
  const state = { closed: false };

  const send = (sub: Subscriber, frame: { activities: DirectLineActivity[]; watermark?: string }) => {
    if (sub.ws.readyState === sub.ws.OPEN) sub.ws.send(JSON.stringify(frame));
  };

  async function pump(sub: Subscriber): Promise<void> {
    if (sub.pumping) {
      sub.again = true;
      return;
    }
    sub.pumping = true;
    try {
      do {
        sub.again = false;
        const set = await readActivityLog(db, sub.conversationId, sub.afterSeq);
        const next = Number(set.watermark);
        if (next > sub.afterSeq) {
          if (set.activities.length > 0) send(sub, set);
          sub.afterSeq = next;
          // A full page (listMessages reads at most 500) may have more behind it.
          sub.again = true;
        }
      } while (sub.again && !state.closed && sub.ws.readyState === sub.ws.OPEN);
    } catch (err) {
      logger.error({ err, conversationId: sub.conversationId }, 'directline stream read failed');
    } finally {
      sub.pumping = false;
    }
  }

  const onNotify = (conversationId: string) => {
    const subs = byConversation.get(conversationId);
    if (subs) for (const sub of subs) void pump(sub);
  };

  const keepAlive = setInterval(() => {
    for (const subs of byConversation.values()) {
      for (const sub of subs) {
        // No pong since the last ping: the peer is gone (a closed laptop lid sends no FIN).
        if (!sub.alive) sub.ws.terminate();
        sub.alive = false;
        sub.ws.ping();
      }
    }
  }, opts.keepAliveMs ?? 20_000);
  keepAlive.unref();

  return {
    get size() {
      let n = 0;
      for (const s of byConversation.values()) n += s.size;
      return n;
    },
    async add(ws, conversationId, afterSeq) {
      // Listen before reading the backlog, so nothing committed in between is missed.
      // After a dropped database connection, catch every open stream up on what it missed.
      listening ??= db.listen(MESSAGES_CHANNEL, onNotify, () => { for (const id of byConversation.keys()) onNotify(id); }).catch((err: unknown) => {
        listening = null;
        throw err;
      });
      await listening;
      const sub: Subscriber = { ws, conversationId, afterSeq, alive: true, pumping: false, again: false };
      let subs = byConversation.get(conversationId);
      if (!subs) byConversation.set(conversationId, (subs = new Set()));
      subs.add(sub);
      ws.on('pong', () => (sub.alive = true));
      // Clients send empty frames as their own keep-alive; nothing else is expected on the socket.
      ws.on('message', () => (sub.alive = true));
      ws.on('error', (err) => logger.debug({ err, conversationId }, 'directline socket error'));
      ws.on('close', () => {
        subs.delete(sub);
        if (subs.size === 0) byConversation.delete(conversationId);
      });
      await pump(sub);
    },
    sendEphemeral(conversationId, activity) {
      for (const sub of byConversation.get(conversationId) ?? []) send(sub, { activities: [activity] });
    },
    async close() {
      state.closed = true;
      clearInterval(keepAlive);
      for (const subs of byConversation.values()) for (const sub of subs) sub.ws.close(1001, 'server shutting down');
      byConversation.clear();
      if (listening) await (await listening.catch(() => async () => undefined))();
    },
  };
}
