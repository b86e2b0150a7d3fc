import { cpSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionRegistry } from '../../src/engine/actions.ts';
import { FlowCatalog } from '../../src/flows/catalog.ts';
import { watchFlows } from '../../src/flows/watchFlows.ts';
import { flowDir, silent } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

const FLOW = (key: string) => `id: main\nsteps:\n  hello:\n    say: ${key}\n  done:\n    end: true\n`;

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the reload');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('development reload of changed flow files', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('puts a good change live and keeps the last good flows when a change breaks them', async () => {
    const dirs = flowDir({ 'main.flow.yaml': FLOW('welcome.greeting') });
    cpSync(path.join('flows', 'commands.yaml'), path.join(dirs.flowsDir, 'commands.yaml'));
    const actions = new ActionRegistry();
    const catalog = new FlowCatalog({ ...dirs, actions }, t.db);
    await catalog.reload();
    const first = catalog.current.flows.get('main')!.version;
    const stop = watchFlows(catalog, [dirs.flowsDir, dirs.localesDir], silent);
    try {
      dirs.write('main.flow.yaml', FLOW('consent.thanks'));
      await until(() => catalog.current.flows.get('main')!.version !== first);
      const second = catalog.current.flows.get('main')!.version;

      dirs.write('main.flow.yaml', FLOW('no.such.key'));
      await until(() => catalog.lastProblems.length > 0);
      expect(catalog.lastProblems.map((p) => p.code)).toContain('i18n_missing');
      expect(catalog.current.flows.get('main')!.version).toBe(second);
    } finally {
      stop();
    }
  });
});
