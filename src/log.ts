import pino, { type Logger } from 'pino';

/**
 * JSON lines by default; readable when stdout is a terminal. Message text and personal data are
 * never logged, at any level (debug and trace included): log calls carry ids, codes and counts.
 * These paths are redacted at every level as a second line of defence, and errors go through
 * {@link serializeError}, which keeps what identifies a failure and drops what carries values.
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

/**
 * The fields of an error that are logged besides its type, message and stack frames. Nothing
 * else: PostgreSQL's (pg, PGlite) `where`, `detail` and `hint` quote the row and the values of
 * the statement, drivers attach the statement and its parameters (`query`, `parameters`,
 * `internalQuery`), body-parser attaches the request `body`, Slack's client the response `data`.
 */
const ERROR_FIELDS = ['name', 'code', 'status', 'statusCode', 'errno', 'syscall', 'expose'] as const;

/** What identifies a database failure without its values: SQLSTATE, constraint, table, column, routine. */
const DB_FIELDS = ['code', 'severity', 'constraint', 'schema', 'table', 'column', 'dataType', 'routine', 'file', 'line'] as const;

/**
 * SQLSTATEs whose server message names no value from the statement (only objects: constraints,
 * tables, columns, types). Any other database error is logged with its class name instead
 * (`invalid input syntax for type integer: "…"` quotes the value it refused).
 */
const MESSAGE_WITHOUT_VALUES = new Set([
  '23502', // null value in column "c" of relation "t" violates not-null constraint
  '23503', // insert or update on table "t" violates foreign key constraint "k"
  '23505', // duplicate key value violates unique constraint "k"
  '23514', // new row for relation "t" violates check constraint "k"
  '23P01', // conflicting key value violates exclusion constraint "k"
  '25P02', // current transaction is aborted, commands ignored until end of transaction block
  '40001', // could not serialize access due to …
  '40P01', // deadlock detected
  '42P01', // relation "t" does not exist
  '42703', // column "c" does not exist
  '53300', // too many connections
  '55P03', // could not obtain lock on row in relation "t"
  '57014', // canceling statement due to statement timeout / user request
  '57P01', // terminating connection due to administrator command
]);

/** PostgreSQL's SQLSTATE classes (Appendix A), named in the log when the message could quote a value. */
const SQLSTATE_CLASS: Record<string, string> = {
  '08': 'connection exception',
  '0A': 'feature not supported',
  '21': 'cardinality violation',
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '25': 'invalid transaction state',
  '28': 'invalid authorization specification',
  '2B': 'dependent privilege descriptors still exist',
  '2D': 'invalid transaction termination',
  '3B': 'savepoint exception',
  '3D': 'invalid catalog name',
  '3F': 'invalid schema name',
  '40': 'transaction rollback',
  '42': 'syntax error or access rule violation',
  '44': 'with check option violation',
  '53': 'insufficient resources',
  '54': 'program limit exceeded',
  '55': 'object not in prerequisite state',
  '57': 'operator intervention',
  '58': 'system error',
  P0: 'PL/pgSQL error',
  XX: 'internal error',
};

const SQLSTATE = /^[0-9A-Z]{5}$/;

type Loose = Record<string, unknown>;

function isDatabaseError(e: Loose): boolean {
  return (typeof e.code === 'string' && SQLSTATE.test(e.code)) || typeof e.severity === 'string';
}

/** The stack's frames only: its first lines repeat the message, which may quote values. */
function framesOf(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  return frames.length ? frames.join('\n') : undefined;
}

/**
 * pino's `err` serializer. Any error: its type, message, code and status, stack frames, never
 * `where`/`detail`/`hint`/parameters/statements/bodies; its `cause` the same way. A database error
 * (a SQLSTATE `code`, or a `severity`) keeps only SQLSTATE, constraint, table, column and routine,
 * and its message only for codes known to quote no value (else the SQLSTATE class name).
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (err === null || err === undefined) return err;
  if (typeof err !== 'object') return { type: typeof err };
  const e = err as Loose;
  const type = err instanceof Error ? (err.constructor?.name ?? err.name) : typeof e.name === 'string' ? e.name : 'Object';
  const out: Loose = { type };
  if (isDatabaseError(e)) {
    for (const k of DB_FIELDS) if (typeof e[k] === 'string' || typeof e[k] === 'number') out[k] = e[k];
    const code = typeof e.code === 'string' ? e.code : '';
    out.message = MESSAGE_WITHOUT_VALUES.has(code) && typeof e.message === 'string' ? e.message : `database error: ${SQLSTATE_CLASS[code.slice(0, 2)] ?? 'unknown class'}`;
  } else {
    for (const k of ERROR_FIELDS) if (typeof e[k] === 'string' || typeof e[k] === 'number' || typeof e[k] === 'boolean') out[k] = e[k];
    // body-parser's tag (`entity.parse.failed`).
    if (typeof e.type === 'string' && /^[a-z.]{1,40}$/.test(e.type)) out.kind = e.type;
    // JSON.parse quotes the text it could not read: its message is the input.
    if (typeof e.message === 'string') out.message = type === 'SyntaxError' || e.name === 'SyntaxError' ? 'not valid JSON (the message quotes the input)' : e.message;
  }
  const stack = framesOf(e.stack);
  if (stack) out.stack = stack;
  if (e.cause !== undefined && depth < 4) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

export function createLogger(level: string, opts: { pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const pretty = opts.pretty ?? Boolean(process.stdout.isTTY);
  const base: pino.LoggerOptions = {
    level,
    base: { service: 'anchorline' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: (e: unknown) => serializeError(e) },
  };
  if (opts.destination) return pino(base, opts.destination);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } });
  }
  return pino(base);
}

export type { Logger };
