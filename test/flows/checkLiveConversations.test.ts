import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLiveConversations } from '../../src/flows/checkLiveConversations.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { engineOn, flowDir } from '../helpers/flowDir.ts';

const V1 = `id: main
steps:
  name:
    ask: name
    type: text
    question: about.ageQuestion
  done:
    end: true
    say: journey.goodbye
`;
const V2 = V1.replace('  name:\n', '  full_name:\n');

describe('flows check --db: live conversations against new flows', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('says who stays on the old version, who moves, and who would be orphaned', async () => {
    const dirs = flowDir({ 'main.flow.yaml': V1 });
    const v1 = await engineOn(t.db, dirs, []);
    await v1.send('live-1', 'hi');
    const v1Version = v1.catalog.current.flows.get('main')!.version;

    dirs.write('main.flow.yaml', V2);
    const v2 = await engineOn(t.db, dirs, []);
    const stays = await checkLiveConversations(t.db, v2.catalog.current, v2.catalog);
    expect(stays.orphans).toBe(0);
    expect(stays.lines[0]).toBe(`conversation live-1: stays on main@${v1Version} until it ends (no migration declared)`);

    // Without the stored old version and without a migration, the conversation would be stranded.
    await t.db.query('DELETE FROM flow_versions WHERE version = $1', [v1Version]);
    const fresh = await engineOn(t.db, dirs, []);
    const stranded = await checkLiveConversations(t.db, fresh.catalog.current, fresh.catalog);
    expect(stranded.orphans).toBe(1);
    expect(stranded.lines[0]).toMatch(/^conversation live-1: would be orphaned \(main@[0-9a-f]+ is not stored and no migration maps name\)$/);

    dirs.write('main.flow.yaml', `${V2}migrations:\n  - from: ${v1Version}\n    steps: { name: full_name }\n`);
    const v3 = await engineOn(t.db, dirs, []);
    const moved = await checkLiveConversations(t.db, v3.catalog.current, v3.catalog);
    expect(moved.orphans).toBe(0);
    expect(moved.lines[0]).toMatch(/^conversation live-1: moves to main@[0-9a-f]+ by the declared migration$/);
  });
});
