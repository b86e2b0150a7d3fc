/**
 * Staff privacy requests from the command line: `anchorline privacy export | erase`. The
 * command's function runs in-process against the test database, with the erasers the app uses,
 * on a resident who went through the shipped flow and talked to an adviser; one run goes through
 * the real CLI entry (`tsx src/cli/main.ts`) on an embedded database folder.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasersOf } from '../../src/app.ts';
import { privacyCommand, type PrivacyCommandDeps } from '../../src/cli/privacyCommand.ts';
import { loadConfig } from '../../src/config.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgliteDb } from '../../src/store/pgliteDriver.ts';
import { privacyAuditOf } from '../../src/store/privacyAudit.ts';
import { shippedEngine, testDesk } from '../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

const run = promisify(execFile);
const MARKER = 'MarkerCliDelta my phone is new';

describe('anchorline privacy export | erase', () => {
  let t: TestDb;
  let erasers: ReturnType<typeof erasersOf>;
  const dir = mkdtempSync(path.join(tmpdir(), 'anchorline-privacy-cli-'));

  beforeAll(async () => {
    t = await createTestDb();
    const desk = testDesk(t.db);
    erasers = erasersOf(loadConfig({}), desk);
    const { send } = await shippedEngine(t.db, { desk, erasers, actionTimeoutMs: 2000 });
    for (const c of ['cli-1', 'cli-2']) {
      await send(c, 'hello');
      await send(c, undefined, 'en');
      await send(c, undefined, 'yes');
      await send(c, '19');
      await send(c, 'talk to a person');
      await send(c, `${MARKER} (${c})`);
    }
  }, 30_000);
  afterAll(async () => {
    await t?.close();
  });

  function deps() {
    const out: string[] = [];
    const said: string[] = [];
    return { out, said, deps: { db: t.db, erasers, output: (s: string) => out.push(s), tell: (s: string) => said.push(s) } satisfies PrivacyCommandDeps };
  }

  it('exports one conversation as JSON to a file only its owner can read, and records who took it', async () => {
    const d = deps();
    const file = path.join(dir, 'cli-1.json');
    expect(await privacyCommand({ cmd: 'export', conversation: 'cli-1', by: 'sam.k', out: file }, d.deps)).toBe(0);
    expect(d.out).toEqual([]);
    expect(d.said.join('\n')).toContain(`wrote ${file}`);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`${MARKER} (cli-1)`);
    expect(text).not.toContain('(cli-2)');
    expect(JSON.parse(text).conversation.id).toBe('cli-1');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const audit = await privacyAuditOf(t.db, 'cli-1');
    expect(audit.map((e) => [e.action, e.actor])).toEqual([['exported', 'staff:sam.k']]);
  });

  it('exports as a readable HTML page to standard output', async () => {
    const d = deps();
    expect(await privacyCommand({ cmd: 'export', conversation: 'cli-2', by: 'sam.k', format: 'html' }, d.deps)).toBe(0);
    const html = d.out.join('');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>Your data at Anchorline</h1>');
    expect(html).toContain(`${MARKER} (cli-2)`);
    expect(html).toContain('Staff member sam.k');
  });

  it('says plainly when there is no such conversation (exit 1), and records nothing', async () => {
    for (const cmd of ['export', 'erase']) {
      const d = deps();
      expect(await privacyCommand({ cmd, conversation: 'nobody-here', by: 'sam.k' }, d.deps)).toBe(1);
      expect(d.said.join('\n')).toMatch(/^no conversation "nobody-here": nothing (exported|erased)$/);
      expect(d.out).toEqual([]);
    }
    expect(await privacyAuditOf(t.db, 'nobody-here')).toEqual([]);
  });

  it('refuses wrong arguments with the reason and the usage (exit 2)', async () => {
    const cases: Array<[Parameters<typeof privacyCommand>[0], RegExp]> = [
      [{ cmd: 'export', conversation: 'cli-1' }, /needs --by <staff-name>/],
      [{ cmd: 'export', conversation: 'cli-1', by: 'Sam Smith' }, /--by: a name of 1 to 80 letters/],
      [{ cmd: 'export', by: 'sam' }, /needs --conversation/],
      [{ cmd: 'export', conversation: 'cli-1', by: 'sam', format: 'pdf' }, /--format: json or html/],
      [{ cmd: 'erase', conversation: 'cli-1', by: 'sam', out: 'x.json' }, /erase takes no --out/],
      [{ cmd: 'print', conversation: 'cli-1', by: 'sam' }, /privacy needs export or erase/],
    ];
    for (const [input, why] of cases) {
      const d = deps();
      expect(await privacyCommand(input, d.deps)).toBe(2);
      expect(d.said.join('\n')).toMatch(why);
      expect(d.said.join('\n')).toContain('anchorline privacy erase --conversation <conversation-id> --by <staff-name>');
    }
    // Nothing was exported or erased by a refused command.
    expect((await privacyAuditOf(t.db, 'cli-1')).map((e) => e.action)).toEqual(['exported']);
  });

  it('erases with the app\'s erasers: transcript, answers, the adviser\'s summary and consent go; the audit keeps who and when', async () => {
    const d = deps();
    expect(await privacyCommand({ cmd: 'erase', conversation: 'cli-1', by: 'dpo' }, d.deps)).toBe(0);
    expect(d.said.join('\n')).toContain('erased conversation "cli-1"');
    const { rows: messages } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = 'cli-1'`);
    expect(messages[0]!.n).toBe(0);
    const { rows: handoffs } = await t.db.query<{ status: string; summary: unknown }>(`SELECT status, summary FROM handoffs WHERE conversation_id = 'cli-1'`);
    expect(handoffs.map((h) => [h.status, h.summary])).toEqual([['closed', []]]);
    const { rows: consent } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM consent_events WHERE conversation_id = 'cli-1'`);
    expect(consent[0]!.n).toBe(0);
    expect((await privacyAuditOf(t.db, 'cli-1')).map((e) => [e.action, e.actor])).toEqual([
      ['exported', 'staff:sam.k'],
      ['erased', 'staff:dpo'],
    ]);
    // A copy taken now holds nothing the resident said; the other resident is untouched.
    const after = deps();
    expect(await privacyCommand({ cmd: 'export', conversation: 'cli-1', by: 'dpo' }, after.deps)).toBe(0);
    expect(after.out.join('')).not.toContain(MARKER);
    const { rows: other } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = 'cli-2'`);
    expect(other[0]!.n).toBeGreaterThan(0);
  });

  it('runs from the real command line (tsx src/cli/main.ts) on the embedded database', async () => {
    const dataDir = path.join(dir, 'pglite');
    const db = await PgliteDb.open(dataDir);
    await migrate(db);
    await db.query(`INSERT INTO conversations (id, channel, user_id, locale, consent) VALUES ('cli-3', 'test', 'u3', 'en', true)`);
    await db.query(`INSERT INTO messages (conversation_id, seq, direction, body) VALUES ('cli-3', 1, 'in', $1)`, [JSON.stringify({ text: MARKER })]);
    await db.close();
    const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const cli = (...args: string[]) => run('npx', ['tsx', 'src/cli/main.ts', 'privacy', ...args], { env, encoding: 'utf8' });

    // (Each run starts the embedded database: slow, so two runs; the other outcomes are tested above.)
    const exported = await cli('export', '--conversation', 'cli-3', '--by', 'sam');
    expect(JSON.parse(exported.stdout).transcript[0].text).toBe(MARKER);
    const erased = await cli('erase', '--conversation', 'cli-3', '--by', 'sam');
    expect(erased.stderr).toContain('erased conversation "cli-3"');
    const check = await PgliteDb.open(dataDir);
    try {
      expect((await privacyAuditOf(check, 'cli-3')).map((e) => [e.action, e.actor])).toEqual([
        ['exported', 'staff:sam'],
        ['erased', 'staff:sam'],
      ]);
      expect((await check.query(`SELECT 1 FROM messages WHERE conversation_id = 'cli-3'`)).rows).toEqual([]);
    } finally {
      await check.close();
    }
  }, 120_000);
});
