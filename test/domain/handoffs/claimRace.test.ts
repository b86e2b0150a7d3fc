import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/domain/handoffs/audit.ts';
import { findOpenHandoff } from '../../../src/store/handoffs.ts';
import type { Db } from '../../../src/store/db.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';
import { makeService, seedConversation } from './handoffFixtures.ts';

// Two pools = two server processes sharing one database. PGlite has one connection, so
// without TEST_DATABASE_URL the race runs on it alone (still 20 concurrent calls).
const driver = TEST_DATABASE_URL ? 'pg, two pools' : 'PGlite, one connection';

let t: TestDb;
let pools: Db[];
beforeAll(async () => {
  t = await createTestDb();
  pools = TEST_DATABASE_URL ? [t.db, await t.another()] : [t.db];
});
afterAll(() => t.close());

describe(`claim race (${driver})`, () => {
  it('20 parallel claims by 20 advisers leave exactly one owner', async () => {
    await seedConversation(t.db, 'race');
    const services = pools.map((db) => makeService(db).service);
    await t.db.transaction((tx) =>
      services[0]!.request({ conversationId: 'race', reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: {} }, tx),
    );
    const h = (await findOpenHandoff(t.db, 'race'))!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => services[i % services.length]!.claim(h.id, { id: `U${i}`, name: `adviser ${i}` })),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.ok ? winners[0]!.handoff.adviserId : undefined;
    expect(results.filter((r) => !r.ok && r.code === 'not_allowed' && r.from === 'claimed')).toHaveLength(19);
    expect((await findOpenHandoff(t.db, 'race'))?.adviserId).toBe(winner);
    expect((await listAudit(t.db, 'race')).filter((a) => a.action === 'claim').map((a) => a.adviserId)).toEqual([winner]);
  });
});
