import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../../../src/domain/courses/bookSession.ts';
import { defaultCourseOptions } from '../../../src/domain/courses/courseOptions.ts';
import { seedCourses } from '../../../src/domain/courses/seedCourses.ts';
import { journeyEraser } from '../../../src/domain/journey/eraseJourneyData.ts';
import { pruneIdleConversations } from '../../../src/domain/retention/pruneIdleConversations.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';

describe('retention of idle conversations', () => {
  let t: TestDb;
  const now = new Date('2026-11-28T12:00:00Z');
  beforeAll(async () => {
    t = await createTestDb();
    await seedCourses(t.db, 'flows/courses.yaml', { now });
  });
  afterAll(async () => t.close());

  async function conversation(id: string, lastActivity: string, owner = 'bot') {
    await t.db.query(`INSERT INTO conversations (id, channel, user_id, owner, last_activity_at) VALUES ($1, 'test', $1, $2, $3)`, [id, owner, lastActivity]);
    await t.db.query(`INSERT INTO messages (conversation_id, seq, direction, body) VALUES ($1, 1, 'in', '{"text":"my postcode is B5 7RN"}')`, [id]);
  }

  it('deletes conversations idle past the limit (one left waiting for an adviser too), frees their seats, and keeps recent ones', async () => {
    await conversation('old', '2025-01-01T00:00:00Z');
    await conversation('old-with-adviser', '2025-01-01T00:00:00Z', 'person');
    await conversation('recent', '2026-11-01T00:00:00Z');
    const { rows } = await t.db.query<{ id: string }>(`SELECT id FROM course_sessions ORDER BY starts_at LIMIT 1`);
    const sessionId = rows[0]!.id;
    const env = { now, options: defaultCourseOptions };
    await t.db.transaction((tx) => bookSession(tx, { conversationId: 'old', sessionId }, env));
    const takenBefore = (await t.db.query<{ taken: number }>('SELECT taken FROM course_sessions WHERE id = $1', [sessionId])).rows[0]!.taken;

    const deleted = await pruneIdleConversations(t.db, { olderThan: new Date('2025-11-28T00:00:00Z'), erasers: [journeyEraser(defaultCourseOptions, () => now)] });

    expect(deleted).toBe(2);
    const left = await t.db.query<{ id: string }>('SELECT id FROM conversations ORDER BY id');
    expect(left.rows.map((r) => r.id)).toEqual(['recent']);
    expect((await t.db.query(`SELECT 1 FROM messages WHERE conversation_id = 'old'`)).rowCount).toBe(0);
    const takenAfter = (await t.db.query<{ taken: number }>('SELECT taken FROM course_sessions WHERE id = $1', [sessionId])).rows[0]!.taken;
    expect(takenAfter).toBe(takenBefore - 1);
  });
});
