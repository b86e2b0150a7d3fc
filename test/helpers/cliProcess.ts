/**
 * The real command line as a separate process (bin/anchorline.js → src/cli/main.ts) against a
 * test database's own schema on PostgreSQL: what an operator's shell gets, exit code included.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TEST_DATABASE_URL, type TestDb } from './testDb.ts';

/** A DATABASE_URL that opens the test database's schema (search_path), for a process of its own. */
export async function schemaDatabaseUrl(t: TestDb): Promise<string> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is needed to run the command line on PostgreSQL');
  const schema = String((await t.db.query('SELECT current_schema() AS s')).rows[0]!.s);
  return `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `anchorline <argv…>` on that database (logs silent); never throws on a non-zero exit. */
export function runCli(databaseUrl: string, argv: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return promisify(execFile)(process.execPath, ['bin/anchorline.js', ...argv], {
    // The sources, as every other test runs them, whether or not a fresh dist/ is there.
    env: { ...process.env, ANCHORLINE_FROM_SOURCES: '1', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}
