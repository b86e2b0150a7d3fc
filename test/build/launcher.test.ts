/**
 * `npm start` (bin/start.js) on a copy of the project without dist/, as after a fresh clone: it
 * compiles first and runs the compiled server; after a source edit (a `git pull`) it compiles
 * again rather than running the stale build; and the compiled server gets ready and answers.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/serverProcess.ts';
import { schemaDatabaseUrl } from '../helpers/cliProcess.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/testDb.ts';

const ROOT = process.cwd();
let copy: string;

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'anchorline-launcher-'));
  for (const f of ['src', 'scripts', 'bin', 'flows', 'locales', 'package.json', 'tsconfig.json']) cpSync(path.join(ROOT, f), path.join(copy, f), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** `npm start`'s command in the copy; a bad PORT makes the server refuse to start at once, after the launcher has done its part. */
async function startWithBadConfig(): Promise<{ code: number; stderr: string }> {
  return promisify(execFile)(process.execPath, ['bin/start.js'], { cwd: copy, env: { PATH: process.env.PATH ?? '', PORT: 'not-a-port' } }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
}

describe('npm start (bin/start.js)', () => {
  it('compiles a fresh clone once, then runs the build it made', async () => {
    expect(existsSync(path.join(copy, 'dist'))).toBe(false);
    const first = await startWithBadConfig();
    expect(first.stderr).toContain('compiled src/ to dist/');
    expect(first.stderr).toContain('Anchorline cannot start: the configuration has problems');
    expect(first.code).toBe(2);
    expect(existsSync(path.join(copy, 'dist', 'main.js'))).toBe(true);
    const second = await startWithBadConfig();
    expect(second.stderr).not.toContain('compiled src/');
    expect(second.stderr).toContain('Anchorline cannot start');
  }, 60_000);

  it('never runs a stale build: an edited source is compiled before it starts', async () => {
    const main = path.join(copy, 'src', 'main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace('Anchorline cannot start:', 'Anchorline (edited) cannot start:'));
    const r = await startWithBadConfig();
    expect(r.stderr).toContain('sources changed since the last build');
    expect(r.stderr).toContain('Anchorline (edited) cannot start');
  }, 60_000);
});

describe.runIf(TEST_DATABASE_URL)('the compiled server', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ migrate: false });
  });
  afterAll(() => t.close());

  it('gets ready on PostgreSQL and serves the widget and a Direct Line conversation', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/start.js'], {
      cwd: copy,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), DATABASE_URL: await schemaDatabaseUrl(t), LOG_LEVEL: 'warn', FLOWS_WATCH: 'false', DIRECTLINE_SECRET: 'launcher-test-secret-4f9a2c7e1b' },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      let ready = false;
      for (let i = 0; i < 600 && !ready && child.exitCode === null; i++) {
        ready = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(true);
      const widget = await fetch(`${base}/widget.js`);
      expect(widget.status).toBe(200);
      expect((await widget.text()).length).toBeGreaterThan(1000);
      const conv = (await (await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: 'Bearer launcher-test-secret-4f9a2c7e1b' } })).json()) as { conversationId: string; token: string };
      const url = `${base}/v3/directline/conversations/${conv.conversationId}/activities`;
      const auth = { authorization: `Bearer ${conv.token}` };
      const posted = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', from: { id: 'u1' }, text: 'hi' }) });
      expect(posted.status).toBe(200);
      const { activities } = (await (await fetch(url, { headers: auth })).json()) as { activities: Array<{ from: { id: string }; text?: string }> };
      expect(activities.some((a) => a.from.id === 'anchorline' && (a.text ?? '').includes('Anchorline'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
