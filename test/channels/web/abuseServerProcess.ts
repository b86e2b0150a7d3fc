/** Starts abuseServer.ts in a child process (its own memory and event loop) and talks to it. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  gc: boolean;
  /** CPU time the server process has used (user and system), in milliseconds. */
  cpuMs: number;
}

export interface StreamStats {
  open: number;
  closedBackedUp: number;
  refusedOverCap: number;
  cutUnresponsive: number;
  /** CPU time the server process has used, in milliseconds. */
  cpuMs: number;
}

export interface AbuseServer {
  base: string;
  domain: string;
  memory(): Promise<Memory>;
  stats(): Promise<StreamStats>;
  /** The bot writes `count` messages of `bytes` characters to the conversation. */
  blast(conversationId: string, count: number, bytes: number): Promise<void>;
  /** A conversation of its own, started from `address` (X-Forwarded-For, as behind a proxy). */
  token(address: string): Promise<{ conversationId: string; token: string }>;
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./abuseServer.ts', import.meta.url));

export async function startAbuseServer(env: Record<string, string> = {}): Promise<AbuseServer> {
  const child = spawn(process.execPath, [...(process.env.ABUSE_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--expose-gc', '--import', 'tsx', SCRIPT], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^READY (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`abuse server exited with ${code} before it was ready`)));
    child.once('error', reject);
  });
  const base = `http://127.0.0.1:${port}`;
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${base}${path}`, init);
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    base,
    domain: `${base}/v3/directline`,
    memory: () => json<Memory>('/test/memory'),
    stats: () => json<StreamStats>('/test/stats'),
    async blast(conversationId, count, bytes) {
      const q = new URLSearchParams({ conversation: conversationId, count: String(count), bytes: String(bytes) });
      await json(`/test/blast?${q}`, { method: 'POST' });
    },
    token: (address) => json(`/v3/directline/tokens/generate`, { method: 'POST', headers: { 'x-forwarded-for': address } }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A raw WebSocket on a conversation's stream, as Web Chat opens it. */
export function openStream(domain: string, conversationId: string, token: string): Promise<WebSocket> {
  const url = `${domain.replace(/^http/, 'ws')}/conversations/${encodeURIComponent(conversationId)}/stream?t=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Resolves with the close code (and reason) the client sees. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve({ code: -1, reason: 'already closed' });
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** Polls until `check` holds, or fails naming `what`. */
export async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
