import path from 'node:path';
import type { ActionRegistry, DomainAction } from '../../engine/actions.ts';
import type { Db } from '../../store/db.ts';
import type { FlowFiles } from '../flowFiles.ts';
import { parseFlowTest, runFlowTest } from '../flowTest.ts';

/**
 * Runs every `flows/tests/*.test.yaml` of a file set against that set, on `o.scratch`: a
 * throwaway database (never the live one: a flow test's turns must leave no trace; each test is
 * its own conversation). The failures, by file.
 */
export async function runFlowTestsOn(
  files: FlowFiles,
  o: { flowsDir: string; actions: ActionRegistry; scratch: () => Promise<Db>; startFlow?: string | undefined },
): Promise<Array<{ file: string; message: string }>> {
  const tests = Object.keys(files).filter((p) => /^flows\/tests\/[^/]+\.test\.yaml$/.test(p)).sort();
  if (!tests.length) return [];
  const actions = o.actions.names().flatMap((n): DomainAction[] => {
    const a = o.actions.get(n);
    return a ? [a] : [];
  });
  const failed: Array<{ file: string; message: string }> = [];
  const db = await o.scratch();
  for (const file of tests) {
    try {
      const test = parseFlowTest(file, files[file]!);
      await runFlowTest(test, { db, flowsDir: o.flowsDir, localesDir: path.join(o.flowsDir, '..', 'locales'), files, actions, startFlow: o.startFlow });
    } catch (err) {
      failed.push({ file, message: (err as Error).message });
    }
  }
  return failed;
}
