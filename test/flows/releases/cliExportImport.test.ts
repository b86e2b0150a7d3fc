import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsExport, flowsImport } from '../../../src/cli/flowsReleaseCommands.ts';
import { loadConfig, type Config } from '../../../src/config.ts';
import { allActions } from '../../../src/domain/allActions.ts';
import { ActionRegistry } from '../../../src/engine/actions.ts';
import { FlowCatalog } from '../../../src/flows/catalog.ts';
import { readFlowFiles } from '../../../src/flows/flowFiles.ts';
import { listReleases } from '../../../src/store/flowReleases.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';

describe('anchorline flows export and import', () => {
  let t: TestDb;
  let config: Config;
  beforeAll(async () => {
    t = await createTestDb();
    config = loadConfig({});
    // The server's first start publishes the shipped folder.
    const catalog = new FlowCatalog({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR, actions: new ActionRegistry().register(...(await allActions(config))) }, t.db);
    const first = await catalog.reload();
    if (!first.ok) throw new Error(`the shipped flows do not load: ${JSON.stringify(first.problems)}`);
  });
  afterAll(async () => t.close());

  const run = async (fn: (out: (l: string) => void) => Promise<number>) => {
    const lines: string[] = [];
    const code = await fn((l) => lines.push(l));
    return { code, out: lines.join('\n') };
  };
  const tmp = () => mkdtempSync(path.join(tmpdir(), 'anchorline-export-'));

  it('exports the live release byte for byte, and importing it again publishes nothing new', async () => {
    const dir = tmp();
    const exported = await run((out) => flowsExport(t.db, dir, out));
    expect(exported.code).toBe(0);
    expect(exported.out).toMatch(/^exported release 1 \(files by files, .*\): \d+ file\(s\)/);
    const shipped = await readFlowFiles(config.FLOWS_DIR, config.LOCALES_DIR);
    const back = await readFlowFiles(path.join(dir, 'flows'), path.join(dir, 'locales'));
    expect(Object.keys(back).sort()).toEqual(Object.keys(shipped).sort());
    for (const p of Object.keys(shipped)) expect(readFileSync(path.join(dir, p)).equals(readFileSync(p))).toBe(true);

    const again = await run((out) => flowsImport(config, t.db, dir, { by: 'ana' }, out));
    expect(again).toEqual({ code: 0, out: 'unchanged: release 1 is live with these very files (same hash); nothing published' });
    expect(await listReleases(t.db, 10)).toHaveLength(1);
    rmSync(dir, { recursive: true });
  });

  it('refuses a broken import with the file, line and column, and publishes nothing', async () => {
    const dir = tmp();
    await run((out) => flowsExport(t.db, dir, out));
    const main = path.join(dir, 'flows', 'main.flow.yaml');
    const text = readFileSync(main, 'utf8');
    const target = /\n {4}next: ([a-z_]+)\n/.exec(text)!;
    writeFileSync(main, text.replace(target[0], `\n    next: ${target[1]}x\n`));
    const line = text.slice(0, target.index + 1).split('\n').length;
    const r = await run((out) => flowsImport(config, t.db, dir, { by: 'ana', note: 'typo' }, out));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${main}:${line}:`);
    expect(r.out).toContain(`error unknown_step`);
    expect(r.out).toContain(`(did you mean \`${target[1]}\`?)`);
    expect(r.out).toMatch(/refused: nothing was published; the live release stays$/);
    expect(await listReleases(t.db, 10)).toHaveLength(1);
    rmSync(dir, { recursive: true });
  });

  it('publishes a changed import as a new release that exports back identical', async () => {
    const dir = tmp();
    await run((out) => flowsExport(t.db, dir, out));
    const core = path.join(dir, 'locales', 'en', 'core.json');
    writeFileSync(core, readFileSync(core, 'utf8').replace('"How old are you?"', '"What age are you?"'));
    // Without the shipped flow tests, so this test does not run seventeen conversations.
    rmSync(path.join(dir, 'flows', 'tests'), { recursive: true });
    const r = await run((out) => flowsImport(config, t.db, dir, { by: 'ana', note: 'plainer', policy: 'restart' }, out));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^published release 2: main@[0-9a-f]{16}/m);
    expect((await listReleases(t.db, 1))[0]).toMatchObject({ id: 2, source: 'import', created_by: 'ana', note: 'plainer', orphan_policy: 'restart' });

    const again = tmp();
    await run((out) => flowsExport(t.db, again, out));
    const imported = await readFlowFiles(path.join(dir, 'flows'), path.join(dir, 'locales'));
    for (const p of Object.keys(imported)) expect(readFileSync(path.join(again, p)).equals(readFileSync(path.join(dir, p)))).toBe(true);
    expect(Object.keys(await readFlowFiles(path.join(again, 'flows'), path.join(again, 'locales'))).sort()).toEqual(Object.keys(imported).sort());
    rmSync(dir, { recursive: true });
    rmSync(again, { recursive: true });
  });

  it('needs --by and a known policy', async () => {
    const r = await run((out) => flowsImport(config, t.db, tmp(), { policy: 'shrug' }, out));
    expect(r.code).toBe(2);
    expect(r.out).toContain('--by: flows import needs --by <name>');
    expect(r.out).toContain('--policy:');
  });
});
