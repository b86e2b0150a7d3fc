import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * The fixed part of one of Bolt's lines: its words up to the first quoted, bracketed or
 * interpolated part (`Failed to parse the request body: <parser message>`,
 * `An unhandled error occurred while Bolt processed (type: …, error: <error>)`). What follows can
 * be a payload or an error quoting one, so it is never logged.
 */
function head(m: unknown): string | undefined {
  if (typeof m !== 'string') return undefined;
  const fixed = m.split(/[:([{"'`<\n]/, 1)[0]!.trim();
  return fixed.slice(0, 120) || undefined;
}

function line(log: Logger, level: 'warn' | 'error', m: unknown[]): void {
  const err = m.find((x) => x instanceof Error || (typeof x === 'object' && x !== null));
  const said = m.map(head).find((x) => x !== undefined);
  log[level]({ ...(err ? { err } : {}), ...(said ? { bolt: said } : {}) }, `slack: bolt ${level === 'warn' ? 'warning' : 'error'}`);
}

/**
 * Bolt's logger interface over our pino logger. Bolt's debug and info lines are dropped: they
 * print request bodies and payloads (message text, names). Its warnings and errors keep only
 * their fixed wording, and an error object goes through the logger's error serializer.
 */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...m: unknown[]) => line(log, 'warn', m),
    error: (...m: unknown[]) => line(log, 'error', m),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
