import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { ROOT } from './anchorline.ts';
import { processCpuSeconds } from './benchDb.ts';
import { ensureBuilt } from '../scripts/build.mjs';

/**
 * Which code a server runs: `compiled` is dist/main.js, what `npm start` runs (built first when
 * missing or stale); `sources` is src/main.ts through tsx. BENCH_FROM_SOURCES=1 picks sources.
 */
export type ServerCode = 'compiled' | 'sources';
export const defaultServerCode = (): ServerCode => (process.env.BENCH_FROM_SOURCES === '1' ? 'sources' : 'compiled');

/** The node arguments that start a server from `code`, building dist/ first when it must. */
export async function serverArgs(code: ServerCode): Promise<string[]> {
  if (code === 'sources') return ['--import', 'tsx', 'src/main.ts'];
  await ensureBuilt();
  return ['dist/main.js'];
}

export interface StartOptions {
  timeoutMs?: number;
  code?: ServerCode;
  /** Extra node flags before the script, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

/** A real Anchorline server (compiled dist/main.js, or src/main.ts through tsx) running as a child of the benchmark. */
export interface ServerProcess {
  name: string;
  pid: number;
  base: string;
  /** Milliseconds from spawn to the first GET /readyz 200 (polled every 25 ms). */
  readyMs: number;
  /** user + system CPU seconds the process has used so far (Linux /proc; undefined elsewhere). */
  cpuSeconds(): number | undefined;
  /** The last 8 KB the process wrote (warnings and errors at LOG_LEVEL=warn). */
  output(): string;
  /** How it ended if it is no longer running, e.g. "exit 1" or "SIGKILL". */
  ended(): string | undefined;
  /** SIGTERM (the server's own graceful shutdown), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A port nobody listens on right now (the server is started on it a moment later). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const running = new Set<ChildProcess>();
let exitHook = false;
/** A benchmark that crashes or is interrupted must not leave servers behind. */
function killAllOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  const killAll = () => {
    for (const c of running) c.kill('SIGKILL');
  };
  process.on('exit', killAll);
  // An interrupted run ends without 'exit' handlers: kill the servers, then take the signal as before.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      process.kill(process.pid, sig);
    });
  }
}

/**
 * Starts a server with `env` on a free port and waits for GET /readyz to answer 200.
 * Its output is kept (the last 8 KB) and shown only if it fails to start.
 */
export async function startServer(name: string, env: Record<string, string>, opts: number | StartOptions = {}): Promise<ServerProcess> {
  const { timeoutMs = 60_000, code = defaultServerCode(), nodeFlags = [] } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  killAllOnExit();
  const args = [...nodeFlags, ...(await serverArgs(code))];
  const port = await freePort();
  // Extra node flags for a profile of the server under load, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...extra, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-8192));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => (running.delete(child), r())));
  const base = `http://127.0.0.1:${port}`;
  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server ${name} exited (${child.exitCode ?? child.signalCode}) before it was ready: ${output.trim().slice(-1000)}`);
    }
    const ready = await fetch(`${base}/readyz`)
      .then(async (r) => (await r.arrayBuffer(), r.status === 200))
      .catch(() => false);
    if (ready) break;
    if (Date.now() > until) {
      await stop(1000);
      throw new Error(`server ${name} not ready within ${timeoutMs} ms: ${output.trim().slice(-1000)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const readyMs = performance.now() - spawnedAt;
  return { name, pid: child.pid!, base, readyMs, cpuSeconds: () => processCpuSeconds(child.pid!), output: () => output, ended: () => (child.exitCode !== null ? `exit ${child.exitCode}` : (child.signalCode ?? undefined)), stop };
}
