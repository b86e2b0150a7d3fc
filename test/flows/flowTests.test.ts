import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { allActions } from '../../src/domain/allActions.ts';
import { readFlowTest, runFlowTest } from '../../src/flows/flowTest.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

// Every scripted conversation in flows/tests runs here, through the real engine and database.
const dir = 'flows/tests';
const files = readdirSync(dir).filter((f) => f.endsWith('.test.yaml')).sort();

describe('flow tests (flows/tests/*.test.yaml)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('has scripted conversations to run', () => {
    if (files.length < 4) throw new Error(`expected the default flow tests, found ${files.length}`);
  });

  for (const f of files) {
    it(f, async () => {
      const test = await readFlowTest(path.join(dir, f));
      await runFlowTest(test, { db: t.db, flowsDir: 'flows', localesDir: 'locales', actions: await allActions(loadConfig({})) });
    });
  }
});
