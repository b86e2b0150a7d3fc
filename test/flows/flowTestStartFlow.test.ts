import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlowTest, runFlowTest } from '../../src/flows/flowTest.ts';
import { flowDir } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

const MAIN = `id: main
steps:
  hello:
    say: welcome.greeting
  done:
    end: true
    say: journey.goodbye
`;
const OTHER = `id: other
steps:
  age:
    ask: age
    type: number
    question: about.ageQuestion
  done:
    end: true
    say: journey.goodbye
`;
const ASKS_AGE = parseFlowTest('asks-age.test.yaml', 'name: the other flow asks the age first\nsteps:\n  - send: hi\n  - expect: about.ageQuestion\n');

describe('flow tests start on the configured start flow (START_FLOW)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('runs a test on START_FLOW when given, and on main otherwise', async () => {
    const dirs = flowDir({ 'main.flow.yaml': MAIN, 'other.flow.yaml': OTHER });
    const opts = { db: t.db, ...dirs, actions: [] };
    await expect(runFlowTest(ASKS_AGE, { ...opts, startFlow: 'other' })).resolves.toMatchObject({ turns: 1 });
    await expect(runFlowTest(ASKS_AGE, opts)).rejects.toThrow(/about\.ageQuestion/);
  });
});
