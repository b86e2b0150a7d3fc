import pino, { type Logger } from 'pino';

/**
 * JSON lines by default; readable when stdout is a terminal. Message text and personal
 * data are logged only at debug level, and these paths are redacted at every level as a
 * second line of defence.
 */
export const REDACT_PATHS = [
  'text',
  '*.text',
  'value',
  '*.value',
  'answers',
  '*.answers',
  'postcode',
  '*.postcode',
  'email',
  '*.email',
  'phone',
  '*.phone',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'token',
  '*.token',
];

export function createLogger(level: string, opts: { pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const pretty = opts.pretty ?? Boolean(process.stdout.isTTY);
  const base: pino.LoggerOptions = {
    level,
    base: { service: 'anchorline' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (opts.destination) return pino(base, opts.destination);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } });
  }
  return pino(base);
}

export type { Logger };
