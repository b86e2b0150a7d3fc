import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { MESSAGES_CHANNEL, parseMessagesNotice } from '../../../engine/port.ts';
import type { Db } from '../../../store/db.ts';
import { readActivityLog, type DirectLineActivity } from './activityLog.ts';

interface Subscriber {
  ws: WebSocket;
  conversationId: string;
  afterSeq: number;
  alive: boolean;
  pumping: boolean;
  again: boolean;
  /** Closed by us (backed up, over the cap): nothing more is sent. */
  closing: boolean;
}

/** Close codes a Direct Line client sees from this hub (RFC 6455 §7.4.1). */
export const STREAM_CLOSE = {
  /** The client does not read fast enough: its unread frames passed the bound. Reconnect with the watermark. */
  backedUp: 1013,
  /** More open streams for one conversation than allowed; the new one is closed. */
  tooManyStreams: 1008,
  shuttingDown: 1001,
} as const;

export interface StreamHubOptions {
  db: Db;
  logger: Logger;
  /** Ping interval; a stream that answered no ping in one interval is cut (default 20 s). */
  keepAliveMs?: number;
  /** Unsent bytes one socket may hold in this process before it is closed with 1013 (default 256 KiB). */
  maxBufferedBytes?: number;
  /** Open streams one conversation may have in this process; a stream beyond it is closed with 1008 (default 4). */
  maxStreamsPerConversation?: number;
  /** How long a closed stream may take to say goodbye before its socket is destroyed (default 5 s). */
  closeGraceMs?: number;
}

export interface StreamStats {
  open: number;
  /** Since start: streams closed because their client did not read (1013). */
  closedBackedUp: number;
  /** Since start: streams refused because their conversation had too many (1008). */
  refusedOverCap: number;
  /** Since start: streams cut because they answered no ping. */
  cutUnresponsive: number;
}

/** What a turn of this process just committed, rendered: seqs `firstSeq`..`lastSeq` (some rows may render to nothing). */
export interface WrittenActivities {
  firstSeq: number;
  lastSeq: number;
  activities: DirectLineActivity[];
}

/** A turn of this process running for a conversation; `done` is called once, also when the turn failed. */
export interface LocalTurn {
  done(written?: WrittenActivities): void;
}

export interface StreamHub {
  /** Streams the log after `afterSeq` now, then every new message of the conversation. */
  add(ws: WebSocket, conversationId: string, afterSeq: number): Promise<void>;
  /**
   * Before a turn of this process runs: the conversation's notifications wait until `done`, which
   * sends what the turn wrote straight to the streams exactly one turn behind (no read), then
   * reads for any stream a waiting notification says is still behind.
   */
  localTurn(conversationId: string): LocalTurn;
  /** Sends an activity that is not stored (an echoed event, typing) to this process's open streams. */
  sendEphemeral(conversationId: string, activity: DirectLineActivity): void;
  readonly size: number;
  stats(): StreamStats;
  close(): Promise<void>;
}

/** A frame of the backlog stays below this many bytes, so one send never overshoots the bound by much. */
const FRAME_BYTES = 64 * 1024;

/**
 * Rows read per pass: a stream reads no more than it can soon send, so twenty streams catching up
 * at once do not hold twenty large pages in memory (a reconnect reads a long transcript in a few passes).
 */
const PAGE_ROWS = 100;

function seqOf(activity: DirectLineActivity): number {
  const id = activity.id ?? '';
  return Number(id.slice(id.lastIndexOf('|') + 1)) || 0;
}

/**
 * Open Direct Line WebSockets of this process. New messages are announced by the engine with
 * `NOTIFY anchorline_messages, '<conversationId> <lastSeq>'` after each commit, from whichever
 * process wrote them; each stream behind `lastSeq` then reads the activity log after its own
 * watermark, so a missed or coalesced notification never loses a message (the next read catches
 * up). A turn of this process hands its rendered replies to `localTurn(..).done` instead: a stream
 * whose watermark is the seq just before the turn's first gets them without a read, and the
 * turn's own notification, held back while the turn runs, then finds nothing to read.
 *
 * Abuse limits (issue 12): the memory a socket can hold here is bounded — frames are at most
 * ~64 KiB and none is written while the socket already holds `maxBufferedBytes` unsent; such a
 * client is closed with 1013 and reconnects from its watermark (nothing is lost: the log is in
 * the database). Only pongs prove a client alive: a client that sends frames but never reads
 * cannot answer pings and is cut after one interval. A conversation has at most
 * `maxStreamsPerConversation` open streams; one more is closed with 1008 at once.
 */
export function createStreamHub(opts: StreamHubOptions): StreamHub {
  const { db, logger } = opts;
  const maxBuffered = opts.maxBufferedBytes ?? 256 * 1024;
  const maxStreams = opts.maxStreamsPerConversation ?? 4;
  const closeGraceMs = opts.closeGraceMs ?? 5000;
  const byConversation = new Map<string, Set<Subscriber>>();
  let listening: Promise<() => Promise<void>> | null = null;
  const state = { closed: false };
  const counts = { closedBackedUp: 0, refusedOverCap: 0, cutUnresponsive: 0 };

  /** Closes with a code the client can read, and destroys the socket if the goodbye does not get through. */
  function shut(sub: Subscriber, code: number, reason: string): void {
    if (sub.closing) return;
    sub.closing = true;
    sub.ws.close(code, reason);
    const force = setTimeout(() => sub.ws.terminate(), closeGraceMs);
    force.unref();
    sub.ws.once('close', () => clearTimeout(force));
  }

  /** False when the socket is over its bound (and is being closed): the caller stops sending. */
  function writable(sub: Subscriber): boolean {
    if (sub.closing || sub.ws.readyState !== sub.ws.OPEN) return false;
    if (sub.ws.bufferedAmount <= maxBuffered) return true;
    counts.closedBackedUp++;
    logger.info({ conversationId: sub.conversationId, buffered: sub.ws.bufferedAmount }, 'directline stream closed: client not reading');
    shut(sub, STREAM_CLOSE.backedUp, 'stream backed up; reconnect with your watermark');
    return false;
  }

  /**
   * Sends the set in frames of at most ~FRAME_BYTES; each carries the watermark of its last activity.
   * Each activity is serialised once: its JSON both measures the frame and goes into it.
   */
  function sendSet(sub: Subscriber, activities: DirectLineActivity[], watermark: number): boolean {
    let frame: string[] = [];
    let bytes = 0;
    const flush = (wm: number) => {
      if (!writable(sub)) return false;
      // The same text as JSON.stringify({ activities, watermark: String(wm) }).
      sub.ws.send(`{"activities":[${frame.join(',')}],"watermark":"${wm}"}`);
      frame = [];
      bytes = 0;
      return true;
    };
    for (const [i, a] of activities.entries()) {
      const json = JSON.stringify(a);
      frame.push(json);
      bytes += json.length;
      if (bytes >= FRAME_BYTES && i < activities.length - 1 && !flush(seqOf(a))) return false;
    }
    return frame.length === 0 || flush(watermark);
  }

  async function pump(sub: Subscriber): Promise<void> {
    if (sub.pumping) {
      sub.again = true;
      return;
    }
    sub.pumping = true;
    try {
      do {
        sub.again = false;
        if (!writable(sub)) break;
        const set = await readActivityLog(db, sub.conversationId, sub.afterSeq, PAGE_ROWS);
        const next = Number(set.watermark);
        if (next > sub.afterSeq) {
          if (set.activities.length > 0 && !sendSet(sub, set.activities, next)) break;
          // A full page may have more behind it. Seqs are distinct, so a page of PAGE_ROWS rows spans
          // at least PAGE_ROWS numbers; a shorter span was the whole rest (no second, empty read).
          if (next - sub.afterSeq >= PAGE_ROWS) sub.again = true;
          sub.afterSeq = next;
        }
      } while (sub.again && !state.closed && sub.ws.readyState === sub.ws.OPEN);
    } catch (err) {
      logger.error({ err, conversationId: sub.conversationId }, 'directline stream read failed');
    } finally {
      sub.pumping = false;
    }
  }

  /** Conversations with a turn of this process running, and the newest seq a notification held back announced. */
  const localTurns = new Map<string, { running: number; noticed: number }>();

  /** Reads for every stream of the conversation that is behind `lastSeq` (all of them when unknown). */
  function catchUp(conversationId: string, lastSeq: number): void {
    const subs = byConversation.get(conversationId);
    if (subs) for (const sub of subs) if (sub.afterSeq < lastSeq) void pump(sub);
  }

  const onNotify = (payload: string) => {
    const { conversationId, lastSeq = Infinity } = parseMessagesNotice(payload);
    const local = localTurns.get(conversationId);
    if (local) local.noticed = Math.max(local.noticed, lastSeq);
    else catchUp(conversationId, lastSeq);
  };

  /** The turn's own activities straight to each stream exactly one turn behind, then any read a held-back notification asks for. */
  function finishLocal(conversationId: string, written: WrittenActivities | undefined): void {
    const local = localTurns.get(conversationId);
    if (!local) return;
    const noticed = local.noticed;
    local.noticed = 0;
    if (--local.running === 0) localTurns.delete(conversationId);
    if (written) {
      for (const sub of byConversation.get(conversationId) ?? []) {
        // A stream reading now (or behind) is left to its read and the notification: the order stays the log's.
        if (sub.pumping || sub.afterSeq !== written.firstSeq - 1 || !writable(sub)) continue;
        if (written.activities.length === 0 || sendSet(sub, written.activities, written.lastSeq)) sub.afterSeq = written.lastSeq;
      }
    }
    if (noticed > 0) catchUp(conversationId, noticed);
  }

  const keepAlive = setInterval(() => {
    for (const subs of byConversation.values()) {
      for (const sub of subs) {
        // No pong since the last ping: the peer is gone (a closed laptop lid sends no FIN), or it
        // does not read (a ping queued behind unread frames is never answered).
        if (!sub.alive) {
          counts.cutUnresponsive++;
          sub.ws.terminate();
          continue;
        }
        sub.alive = false;
        if (writable(sub)) sub.ws.ping();
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
    stats() {
      let open = 0;
      for (const s of byConversation.values()) open += s.size;
      return { open, ...counts };
    },
    async add(ws, conversationId, afterSeq) {
      const sub: Subscriber = { ws, conversationId, afterSeq, alive: true, pumping: false, again: false, closing: false };
      ws.on('error', (err) => logger.debug({ err, conversationId }, 'directline socket error'));
      // Anything the client sends (its empty keep-alive frames, pings) says nothing about whether it
      // reads; but each frame it sends can make us answer (a pong), so a client far behind is closed.
      const inbound = () => void writable(sub);
      ws.on('message', inbound);
      ws.on('ping', inbound);
      ws.on('pong', () => (sub.alive = true));
      if ((byConversation.get(conversationId)?.size ?? 0) >= maxStreams) {
        counts.refusedOverCap++;
        shut(sub, STREAM_CLOSE.tooManyStreams, `at most ${maxStreams} open streams per conversation`);
        return;
      }
      // Listen before reading the backlog, so nothing committed in between is missed.
      // After a dropped database connection, catch every open stream up on what it missed.
      listening ??= db.listen(MESSAGES_CHANNEL, onNotify, () => { for (const id of byConversation.keys()) onNotify(id); }).catch((err: unknown) => {
        listening = null;
        throw err;
      });
      await listening;
      if (ws.readyState !== ws.OPEN) return;
      let subs = byConversation.get(conversationId);
      if (!subs) byConversation.set(conversationId, (subs = new Set()));
      // Counted again after the await: several streams may have been opening at once.
      if (subs.size >= maxStreams) {
        counts.refusedOverCap++;
        shut(sub, STREAM_CLOSE.tooManyStreams, `at most ${maxStreams} open streams per conversation`);
        return;
      }
      subs.add(sub);
      ws.on('close', () => {
        subs.delete(sub);
        if (subs.size === 0 && byConversation.get(conversationId) === subs) byConversation.delete(conversationId);
      });
      await pump(sub);
    },
    localTurn(conversationId) {
      const local = localTurns.get(conversationId);
      if (local) local.running++;
      else localTurns.set(conversationId, { running: 1, noticed: 0 });
      let finished = false;
      return {
        done(written) {
          if (finished) return;
          finished = true;
          finishLocal(conversationId, written);
        },
      };
    },
    sendEphemeral(conversationId, activity) {
      for (const sub of byConversation.get(conversationId) ?? []) {
        if (writable(sub)) sub.ws.send(JSON.stringify({ activities: [activity] }));
      }
    },
    async close() {
      state.closed = true;
      clearInterval(keepAlive);
      for (const subs of byConversation.values()) for (const sub of subs) shut(sub, STREAM_CLOSE.shuttingDown, 'server shutting down');
      byConversation.clear();
      if (listening) await (await listening.catch(() => async () => undefined))();
    },
  };
}
