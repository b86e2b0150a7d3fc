import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { allActions } from '../../src/domain/allActions.ts';
import { ActionRegistry } from '../../src/engine/actions.ts';
import { loadFlowSetFromFiles } from '../../src/flows/catalog.ts';
import { readFlowFiles } from '../../src/flows/flowFiles.ts';
import { statusPath } from '../../src/translations/status.ts';

const shipped = await readFlowFiles('flows', 'locales');
const actions = new ActionRegistry().register(...(await allActions(loadConfig({}))));

/** The errors of loading the shipped files with `extra` over them: `file code: message`. */
async function errorsWith(extra: Record<string, string>): Promise<string[]> {
  const r = await loadFlowSetFromFiles({ ...shipped, ...extra }, { flowsDir: 'flows', actions });
  return r.ok ? [] : r.problems.filter((p) => p.severity === 'error').map((p) => `${p.file} ${p.code}: ${p.message}`);
}

describe('the checker refuses a set whose _status.json cannot be read (publish, flows import, the studio, start-up)', () => {
  it('accepts a good status file', async () => {
    expect(await errorsWith({ [statusPath('ur')]: '{\n  "consent.question": "reviewed"\n}\n' })).toEqual([]);
  });

  it('refuses one that is not JSON, with its path', async () => {
    expect(await errorsWith({ [statusPath('ur')]: '{\n  "consent.question": "reviewed",\n' })).toEqual([expect.stringMatching(/^locales\/ur\/_status\.json translation_status: not valid JSON \(/)]);
  });

  it('refuses one that is JSON but not a status file (an unknown status, a list), with its path', async () => {
    expect(await errorsWith({ [statusPath('pl')]: '{"consent.question": "approved"}' })).toEqual([expect.stringMatching(/^locales\/pl\/_status\.json translation_status: consent\.question: /)]);
    expect(await errorsWith({ [statusPath('so')]: '["reviewed"]' })).toEqual([expect.stringMatching(/^locales\/so\/_status\.json translation_status: /)]);
  });
});
