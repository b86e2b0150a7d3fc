import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/store/migrate.ts';
import { getHandoff } from '../../src/store/handoffs.ts';
import { findSlackCard, listSlackPosts } from '../../src/store/slackCards.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ migrate: false });
});
afterAll(() => t.close());

describe('migration 041: Slack outbox → channel-neutral handoff outbox', () => {
  it('keeps posts not yet made, card locations and relays to delete; old summaries still read', async () => {
    const all = await readMigrations();
    await migrate(t.db, all.filter((m) => m.version < 41));
    await t.db.query(`INSERT INTO conversations (id, channel, user_id, locale) VALUES ('m1', 'test', 'u', 'en')`);
    const { rows } = await t.db.query<{ id: number }>(
      `INSERT INTO handoffs (conversation_id, reason, urgency, status, locale, summary, slack_channel, slack_ts, requested_at)
       VALUES ('m1', 'resident_asked', 'normal', 'claimed', 'en', '{"programme":"I Can","answers":{"age_band":"19-24"},"turns":3}', 'C1', '1.1', now())
       RETURNING id`,
    );
    const id = Number(rows[0]!.id);
    await t.db.query(
      `INSERT INTO slack_outbox (handoff_id, kind, key, payload, status, run_at, sent_ts) VALUES
        ($1::bigint, 'card', 'card:' || $1, '{}', 'sent', now(), '1.1'),
        ($1::bigint, 'relay', 'relay:m1:2', '{"seq":2}', 'sent', now(), '1.2'),
        ($1::bigint, 'update', 'update:' || $1 || ':1:claimed', '{}', 'pending', now(), NULL),
        ($1::bigint, 'relay', 'relay:m1:3', '{"seq":3}', 'pending', now(), NULL),
        ($1::bigint, 'notice', 'callback:m1:4', '{"notice":"callback","phone":"07700 900123","preferredTime":""}', 'pending', now(), NULL),
        ($1::bigint, 'escalate', 'escalate:' || $1, '{}', 'pending', now(), NULL)`,
      [id],
    );

    await migrate(t.db, all);

    expect(await findSlackCard(t.db, id)).toEqual({ handoffId: id, channel: 'C1', ts: '1.1' });
    expect(await listSlackPosts(t.db, id)).toEqual(['1.2']);
    const { rows: outbox } = await t.db.query(`SELECT type, key, payload, status FROM handoff_outbox WHERE handoff_id = $1 ORDER BY id`, [id]);
    expect(outbox).toEqual([
      { type: 'claimed', key: `update:${id}:1:claimed`, payload: {}, status: 'pending' },
      { type: 'message', key: 'relay:m1:3', payload: { seq: 3 }, status: 'pending' },
      { type: 'callback', key: 'callback:m1:4', payload: { phone: '07700 900123', preferredTime: '' }, status: 'pending' },
      { type: 'escalation_due', key: `escalation_due:${id}`, payload: {}, status: 'pending' },
    ]);
    // jsonb never kept the key order of the old object form.
    const summary = (await getHandoff(t.db, id))?.summary;
    expect(summary).toHaveLength(3);
    expect(summary).toEqual(expect.arrayContaining([['programme', 'I Can'], ['age band', '19-24'], ['turns', 3]]));
    const { rows: tables } = await t.db.query(`SELECT to_regclass('slack_outbox') AS old`);
    expect(tables[0]!.old).toBeNull();
  });
});
