import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConversation, pruneConversations, saveConversation } from '../../src/store/directlineConversations.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.close();
});

describe('Direct Line conversation ids', () => {
  it('are saved once, and pruned only when old and unknown to the engine', async () => {
    await saveConversation(t.db, { id: 'dl-used', userId: 'u1', locale: 'en' });
    await saveConversation(t.db, { id: 'dl-used', userId: 'other', locale: null });
    await saveConversation(t.db, { id: 'dl-unused', userId: 'u2', locale: null });
    await saveConversation(t.db, { id: 'dl-fresh', userId: 'u3', locale: null });
    expect(await findConversation(t.db, 'dl-used')).toEqual({ id: 'dl-used', userId: 'u1', locale: 'en' });
    await t.db.query(`INSERT INTO conversations (id, channel, user_id) VALUES ('dl-used', 'directline', 'u1')`);
    await t.db.query(`UPDATE directline_conversations SET created_at = now() - interval '2 days' WHERE id <> 'dl-fresh'`);

    expect(await pruneConversations(t.db, new Date(Date.now() - 86_400_000))).toBe(1);
    expect(await findConversation(t.db, 'dl-unused')).toBeNull();
    expect(await findConversation(t.db, 'dl-used')).not.toBeNull();
    expect(await findConversation(t.db, 'dl-fresh')).not.toBeNull();
  });
});
