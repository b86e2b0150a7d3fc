/**
 * rollbackDb on both drivers: a transaction runs for real and is rolled back, the preview
 * conversation carries over from one transaction to the next through memory only, NOTIFY never
 * reaches a listener, and a failure leaves the memory as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/store/db.ts';
import { rollbackDb, type PreviewConversationRef } from '../../../src/studio/preview/rollbackDb.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';

// Both drivers always: pg needs TEST_DATABASE_URL (createTestDb says so when it is missing).
const drivers = ['pglite', 'pg'] as const;

describe.each(drivers)('rollbackDb on %s', (driver) => {
  let t: TestDb;
  let db: Db;
  const notified: string[] = [];
  let unlisten: () => Promise<void>;

  beforeAll(async () => {
    t = await createTestDb({ driver });
    db = t.db;
    // NOTIFY channels are database-wide: other test files' payloads on the shared test database are not ours.
    unlisten = await db.listen('anchorline_messages', (p) => {
      if (p === 'committed' || p.startsWith('preview-')) notified.push(p);
    });
  });
  afterAll(async () => {
    await unlisten?.();
    await t?.close();
  });

  it('keeps the conversation between transactions in memory only, and nothing else', async () => {
    const conv: PreviewConversationRef = { id: 'preview-one', userId: 'studio-preview', memory: { kind: 'new' } };
    const rdb = rollbackDb(db, conv);
    const out = await rdb.transaction(async (tx) => {
      await tx.query(`INSERT INTO conversations (id, channel, user_id) VALUES ('preview-one', 'test', 'studio-preview')`);
      await tx.commitWith(
        `UPDATE conversations SET turns = turns + 1, last_seq = 1, owner = 'person' WHERE id = 'preview-one';
         INSERT INTO messages (conversation_id, seq, direction, body) VALUES ('preview-one', 1, 'out', '{"type":"text"}');
         SELECT pg_notify('anchorline_messages', 'preview-one')`,
      );
      return 'replies';
    });
    expect(out).toBe('replies');
    expect(conv.memory).toMatchObject({ kind: 'stored', row: { id: 'preview-one', turns: 1, last_seq: 1, owner: 'bot' } });
    expect((await db.query(`SELECT 1 FROM conversations WHERE id = 'preview-one'`)).rowCount).toBe(0);

    // The next transaction finds the conversation and its transcript as the last one left them.
    const seen = await rdb.transaction(async (tx) => {
      const { rows } = await tx.query<{ turns: number; messages: number }>(
        `SELECT turns, (SELECT count(*)::int FROM messages WHERE conversation_id = 'preview-one') AS messages FROM conversations WHERE id = 'preview-one'`,
      );
      await tx.commitWith(`UPDATE conversations SET turns = turns + 1 WHERE id = 'preview-one'`);
      return rows[0];
    });
    expect(seen).toEqual({ turns: 1, messages: 1 });
    expect(conv.memory).toMatchObject({ row: { turns: 2 } });
    // A committed NOTIFY on the same channel does arrive: only the preview's never did.
    await db.query(`SELECT pg_notify('anchorline_messages', 'committed')`);
    await new Promise((r) => setTimeout(r, 200));
    expect(notified).toEqual(['committed']);
  });

  it('a transaction that fails leaves the memory as it was and the error as it was', async () => {
    const conv: PreviewConversationRef = { id: 'preview-two', userId: 'studio-preview', memory: { kind: 'new' } };
    const rdb = rollbackDb(db, conv);
    await expect(
      rdb.transaction(async (tx) => {
        await tx.query(`INSERT INTO conversations (id, channel, user_id) VALUES ('preview-two', 'test', 'studio-preview')`);
        throw new Error('the turn failed');
      }),
    ).rejects.toThrow('the turn failed');
    expect(conv.memory).toEqual({ kind: 'new' });
    // Reads outside a turn are rolled back too; the database stays usable.
    expect((await rdb.query(`SELECT count(*)::int AS n FROM conversations WHERE id LIKE 'preview-%'`)).rows).toEqual([{ n: 0 }]);
  });
});
