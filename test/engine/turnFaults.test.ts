/**
 * Faults inside a turn: the turn owns its transaction, so whatever happens half-way nothing of
 * it commits, the resident is told the truth, and the next turn works. The lock and connection
 * faults need a second connection, so they run on PostgreSQL (CI sets TEST_DATABASE_URL);
 * PGlite has one connection, where nothing can hold a row against a turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { journeyActions } from '../../src/domain/journey/journeyActions.ts';
import { defineAction } from '../../src/engine/actions.ts';
import { EngineError } from '../../src/engine/createEngine.ts';
import type { Reply } from '../../src/engine/reply.ts';
import type { Db } from '../../src/store/db.ts';
import { PgDb } from '../../src/store/pgDriver.ts';
import { loadNotices, seedSession } from '../domain/courses/fixtures.ts';
import { engineOn, flowDir } from '../helpers/flowDir.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/testDb.ts';

const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type));
const NOT_DONE = 'Sorry, that did not go through on our side, so nothing was changed. Please try again in a moment.';
const QUESTION = 'How old are you?';

/** Asks for a value, calls `act` with it, then ends. */
const FLOW = (action: string, param: string) => `id: main
steps:
  which:
    ask: which
    type: text
    question: about.ageQuestion
  act:
    call: ${action}
    params: { ${param}: $which }
    result: outcome
  done:
    end: true
    say: journey.goodbye
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, params);
  return rows[0]!.n;
}

const drivers: Array<'pg' | 'pglite'> = TEST_DATABASE_URL ? ['pg', 'pglite'] : ['pglite'];

for (const driver of drivers) {
  describe(`a turn owns its work (${driver})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb({ driver });
      await t.db.query('CREATE TABLE side_effects (conversation_id text, note text)');
    });
    afterAll(async () => t.close());

    it('an action that runs out of time commits nothing, not even later, and the resident is told so', async () => {
      let release!: () => void;
      const stalled = new Promise<void>((r) => (release = r));
      let lateWrite: unknown;
      const slow = defineAction({
        name: 'slowWrite',
        description: 'writes, stalls past the timeout, then tries to write again',
        params: z.object({ note: z.string() }),
        result: z.object({ ok: z.boolean() }),
        run: async (p, ctx) => {
          await ctx.tx.query('INSERT INTO side_effects VALUES ($1, $2)', [ctx.conversationId, `${p.note}:first`]);
          await stalled;
          try {
            await ctx.tx.query('INSERT INTO side_effects VALUES ($1, $2)', [ctx.conversationId, `${p.note}:late`]);
          } catch (err) {
            lateWrite = err;
          }
          return { ok: true };
        },
      });
      const e = await engineOn(t.db, flowDir({ 'main.flow.yaml': FLOW('slowWrite', 'note') }), [slow]);
      expect(texts((await e.send('c-slow', 'hi')).replies)).toEqual([QUESTION]);
      // The runner's limit in engineOn is 1 s.
      const out = await e.send('c-slow', 'book it');
      expect(texts(out.replies)).toEqual([NOT_DONE, QUESTION]);
      release();
      await sleep(100);
      expect(lateWrite).toMatchObject({ code: 'action_aborted' });
      expect(await count(t.db, `SELECT 1 FROM side_effects WHERE conversation_id = 'c-slow'`)).toBe(0);
      // What they typed is kept, with the apology; the flow still waits on the same question.
      const { rows } = await t.db.query<{ direction: string; body: { text?: string } }>(
        `SELECT direction, body FROM messages WHERE conversation_id = 'c-slow' ORDER BY seq`,
      );
      expect(rows.filter((r) => r.direction === 'in').map((r) => r.body.text)).toEqual(['hi', 'book it']);
      expect(rows.at(-2)!.body.text).toBe(NOT_DONE);
    });

    it('a statement that fails inside an action (NUL in text) rolls the turn back and the next turn works', async () => {
      const nul = defineAction({
        name: 'storeNote',
        description: 'stores the note as given',
        params: z.object({ note: z.string() }),
        result: z.object({ ok: z.boolean() }),
        run: async (p, ctx) => {
          await ctx.tx.query('INSERT INTO side_effects VALUES ($1, $2)', [ctx.conversationId, 'before']);
          await ctx.tx.query('INSERT INTO side_effects VALUES ($1, $2)', [ctx.conversationId, `${p.note}\u0000`]);
          return { ok: true };
        },
      });
      const e = await engineOn(t.db, flowDir({ 'main.flow.yaml': FLOW('storeNote', 'note') }), [nul]);
      await e.send('c-nul', 'hi');
      expect(texts((await e.send('c-nul', 'note')).replies)).toEqual([NOT_DONE, QUESTION]);
      expect(await count(t.db, `SELECT 1 FROM side_effects WHERE conversation_id = 'c-nul'`)).toBe(0);
      // The one PGlite connection (or the pooled pg one) is not left in an aborted transaction.
      expect(texts((await e.send('c-nul-other', 'hello')).replies)).toEqual([QUESTION]);
      expect((await t.db.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    });

    it('refuses a message with NUL or broken Unicode before it reaches the database', async () => {
      const noop = defineAction({ name: 'noop', description: 'does nothing', params: z.object({ note: z.string() }), result: z.object({}), run: async () => ({}) });
      const e = await engineOn(t.db, flowDir({ 'main.flow.yaml': FLOW('noop', 'note') }), [noop]);
      for (const text of ['a\u0000b', 'half \ud800 a pair', '\udc00']) {
        await expect(e.send('c-bad-text', text)).rejects.toMatchObject({ code: 'turn_invalid' });
      }
      await expect(e.send('c-bad-text', undefined, { deep: { v: 'x\u0000' } })).rejects.toBeInstanceOf(EngineError);
      expect(texts((await e.send('c-bad-text', 'hello 👋')).replies)).toEqual([QUESTION]);
    });
  });
}

// Only a server with several connections can hold a row against a turn or kill its connection.
const servers: Array<'pg'> = TEST_DATABASE_URL ? ['pg'] : [];
for (const driver of servers) {
  describe(`faults that need a second connection (${driver})`, () => {
    let t: TestDb;
    let other: PgDb;
    beforeAll(async () => {
      t = await createTestDb({ driver });
      other = (await t.another()) as PgDb;
      await seedSession(t.db, 'held', 10, '2099-01-11');
    });
    afterAll(async () => t.close());

    it('a booking held up by another transaction past the timeout books nothing and schedules nothing; the retry books once', async () => {
      const actions = journeyActions({ notices: await loadNotices() });
      const e = await engineOn(t.db, flowDir({ 'main.flow.yaml': FLOW('bookSession', 'sessionId') }), actions);
      await e.send('c-held', 'hi');
      // Another transaction (a coordinator's import, say) holds the session row.
      const holder = await other.pool.connect();
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM course_sessions WHERE id = 'held' FOR UPDATE`);
      const started = Date.now();
      const out = await e.send('c-held', 'held');
      const waited = Date.now() - started;
      // Released only after the turn answered: a still-running booking would commit now.
      await sleep(300);
      await holder.query('COMMIT');
      holder.release();
      await sleep(300);
      expect(texts(out.replies)).toEqual([NOT_DONE, QUESTION]);
      expect(waited).toBeLessThan(3000);
      expect(await count(t.db, `SELECT 1 FROM bookings WHERE conversation_id = 'c-held'`)).toBe(0);
      expect(await count(t.db, `SELECT 1 FROM jobs`)).toBe(0);
      expect(await count(t.db, `SELECT 1 FROM course_sessions WHERE id = 'held' AND taken = 0`)).toBe(1);
      // No statement of that turn is still running on the server.
      expect(await count(t.db, `SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND query LIKE '%course_sessions SET taken%'`)).toBe(0);

      const retry = await e.send('c-held', 'held');
      expect(texts(retry.replies)).toEqual(['Thank you for talking to me. Say hello at any time to come back.']);
      expect(await count(t.db, `SELECT 1 FROM bookings WHERE conversation_id = 'c-held' AND status = 'booked'`)).toBe(1);
      expect(await count(t.db, `SELECT 1 FROM course_sessions WHERE id = 'held' AND taken = 1`)).toBe(1);
      // Two reminders and the question after the session ("did you go?").
      expect(await count(t.db, `SELECT 1 FROM jobs`)).toBe(3);
    });

    it('a connection killed in the middle of a turn rolls it back; the resident is told and the next turn works', async () => {
      const killer = defineAction({
        name: 'killMe',
        description: 'has its own connection terminated, then writes',
        params: z.object({ note: z.string() }),
        result: z.object({ ok: z.boolean() }),
        run: async (p, ctx) => {
          const { rows } = await ctx.tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          await other.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
          await ctx.tx.query(`UPDATE course_sessions SET taken = taken + 1 WHERE id = 'held'`);
          return { ok: true };
        },
      });
      const before = await count(t.db, `SELECT 1 FROM course_sessions WHERE id = 'held' AND taken = 1`);
      const e = await engineOn(t.db, flowDir({ 'main.flow.yaml': FLOW('killMe', 'note') }), [killer]);
      await e.send('c-killed', 'hi');
      const out = await e.send('c-killed', 'go');
      expect(texts(out.replies)).toEqual([NOT_DONE, QUESTION]);
      expect(await count(t.db, `SELECT 1 FROM course_sessions WHERE id = 'held' AND taken = 1`)).toBe(before);
      expect(texts((await e.send('c-killed-next', 'hello')).replies)).toEqual([QUESTION]);
    });
  });
}
