/**
 * Database errors in the log: obtained from the real database by failing statements that carry a
 * marker as a value, then logged the ways the app logs errors (as `err`, as an AppError's cause,
 * as the first argument, as `{ message, code }`). The marker must appear in no line; the
 * SQLSTATE, constraint and table must.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { createLogger, serializeError } from '../../src/log.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

const MARKER = 'Zq7LogMarkerXv';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('debug', { destination }) };
}

async function failure(db: TestDb['db'], sql: string, params: unknown[] = []): Promise<unknown> {
  try {
    await db.query(sql, params);
  } catch (err) {
    return err;
  }
  throw new Error(`expected ${sql} to fail`);
}

for (const driver of ['pg', 'pglite'] as const) {
  describe(`database errors from ${driver}, logged`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb({ driver, migrate: false });
      await t.db.query(`CREATE TABLE residents_t (email text CONSTRAINT residents_t_email_key UNIQUE, postcode text CONSTRAINT postcode_short CHECK (length(postcode) < 9))`);
      await t.db.query(`CREATE TABLE contacts_t (phone text, name text NOT NULL)`);
      await t.db.query(`INSERT INTO residents_t (email) VALUES ($1)`, [`${MARKER}@example.org`]);
    });
    afterAll(() => t.close());

    const cases: Array<[string, string, string, unknown[]]> = [
      ['unique violation (detail quotes the key)', '23505', `INSERT INTO residents_t (email) VALUES ($1)`, [`${MARKER}@example.org`]],
      ['check violation (detail quotes the row)', '23514', `INSERT INTO residents_t (email, postcode) VALUES ($1, $2)`, ['x', `${MARKER} 1AA`]],
      ['bad integer (message quotes the value)', '22P02', `SELECT $1::int`, [MARKER]],
      ['not-null violation (detail quotes the row)', '23502', `INSERT INTO contacts_t (phone, name) VALUES ($1, NULL)`, [`07700 ${MARKER}`]],
      ['error in PL/pgSQL (where quotes the statement)', '22P02', `DO $$ BEGIN EXECUTE 'SELECT ''${MARKER}''::int'; END $$`, []],
    ];

    it.each(cases)('%s: code kept, marker nowhere', async (_what, code, sql, params) => {
      const err = (await failure(t.db, sql, params)) as { code?: string };
      expect(err.code).toBe(code);
      // The raw error does carry the marker: the serializer is what keeps it out.
      expect(JSON.stringify({ ...(err as object), message: (err as Error).message })).toContain(MARKER);
      const { lines, logger } = capture();
      logger.error({ err }, 'directline turn failed');
      logger.error({ err: new AppError('internal', 'something went wrong', { cause: err }) }, 'request failed');
      logger.error({ err: (new AppError('internal', 'something went wrong', { cause: err }).cause ?? err) }, 'request failed');
      logger.error(err as Error, 'as the first argument');
      logger.warn({ err: { message: (err as Error).message, code: err.code } }, 'turn rolled back');
      logger.debug({ err: new Error('wrapper', { cause: err }) }, 'debug too');
      expect(lines).toHaveLength(6);
      for (const l of lines) expect(l).not.toContain(MARKER);
      expect(lines[0]).toContain(`"code":"${err.code}"`);
    });

    it('keeps the constraint and table of a constraint violation, and its message (which names no value)', async () => {
      const err = await failure(t.db, `INSERT INTO residents_t (email) VALUES ($1)`, [`${MARKER}@example.org`]);
      const out = serializeError(err) as Record<string, unknown>;
      expect(out).toMatchObject({ code: '23505', constraint: 'residents_t_email_key', table: 'residents_t', message: 'duplicate key value violates unique constraint "residents_t_email_key"' });
      for (const k of ['where', 'detail', 'hint', 'parameters', 'query', 'internalQuery']) expect(out).not.toHaveProperty(k);
    });

    it('names the SQLSTATE class instead of a message that quotes the value', async () => {
      const out = serializeError(await failure(t.db, `SELECT $1::int`, [MARKER])) as Record<string, unknown>;
      expect(out).toMatchObject({ code: '22P02', message: 'database error: data exception' });
    });
  });
}

describe('other errors', () => {
  it('drops a body, a query and parameters attached to any error, and JSON.parse quoting its input', () => {
    const bodyParser = Object.assign(new SyntaxError(`Unexpected token 'Z', "${MARKER}" is not valid JSON`), { type: 'entity.parse.failed', body: `${MARKER}`, status: 400 });
    const driver = Object.assign(new Error('query failed'), { query: `SELECT '${MARKER}'`, parameters: [MARKER], detail: MARKER, where: MARKER, hint: MARKER, internalQuery: MARKER });
    const { lines, logger } = capture();
    logger.error({ err: bodyParser }, 'parse');
    logger.error({ err: driver }, 'driver');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).not.toContain(MARKER);
    expect(JSON.parse(lines[0]!).err).toMatchObject({ kind: 'entity.parse.failed', status: 400 });
    expect(JSON.parse(lines[1]!).err).toMatchObject({ message: 'query failed' });
  });
});
