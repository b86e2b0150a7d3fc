import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translationsCli } from '../../src/cli/translationsCommand.ts';
import { readFlowFiles } from '../../src/flows/flowFiles.ts';
import { languageTexts } from '../../src/translations/catalogue.ts';
import { readDataNameTexts } from '../../src/translations/dataNameTexts.ts';
import { copyFolders, snapshot } from './folders.ts';

let f: Awaited<ReturnType<typeof copyFolders>>;
/**
 * The strings of Urdu's catalogue, counted without the catalogue: Urdu has English's two plural
 * forms, so it is every English wording key (locales/en/*.json), Urdu's own wording of Web Chat's
 * strings (widget.webchat.*) and the data names (363 after issue 14's review: 304 keys, the
 * widget's included, 37 Web Chat strings and 22 names).
 */
let strings: number;
/** English's: the same without Web Chat's strings (Web Chat's en-US is their English). */
let englishStrings: number;
beforeAll(async () => {
  f = await copyFolders();
  const files = await readFlowFiles(f.flowsDir, f.localesDir);
  const english = languageTexts(files, 'en');
  const webChat = [...(languageTexts(files, 'ur').get('widget')?.keys() ?? [])].filter((k) => k.startsWith('widget.webchat.')).length;
  englishStrings = [...english.values()].reduce((n, texts) => n + texts.size, 0) + (await readDataNameTexts(f.flowsDir)).length;
  strings = englishStrings + webChat;
});
afterAll(async () => f?.remove());

/** The real command line (bin/anchorline.js → src/cli/main.ts) on the copied folders. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ANCHORLINE_FROM_SOURCES: '1', FLOWS_DIR: f.flowsDir, LOCALES_DIR: f.localesDir, LOG_LEVEL: 'silent' };
  try {
    const r = await promisify(execFile)(process.execPath, ['bin/anchorline.js', 'translations', ...args], { env, encoding: 'utf8' });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The same command in this process (what the CLI calls), for the outcomes not worth another process start. */
async function inProcess(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await translationsCli(args, { FLOWS_DIR: f.flowsDir, LOCALES_DIR: f.localesDir }, { out: (l) => out.push(l), err: (l) => err.push(l), write: (t) => out.push(t) });
  return { code, out, err };
}

describe('anchorline translations (the real command line)', () => {
  it('exports, imports an edited file, refuses a broken one (exit 1, every problem by line), and explains usage (exit 2)', async () => {
    const out = path.join(f.dir, 'ur.csv');
    const exported = await cli('export', '--lang', 'ur', '--format', 'csv', '--out', out);
    expect(exported).toMatchObject({ code: 0, stdout: `exported ${strings} string(s) of ur (0 not translated yet) to ${out}\n` });

    const csv = await readFile(out, 'utf8');
    const edited = csv.replace(/^(consent\.thanks,Thank you\.,)([^,]*),needs-review,/m, '$1شکریہ!,reviewed,');
    expect(edited).not.toBe(csv);
    await writeFile(out, edited);
    const before = await snapshot(f.dir);
    const dry = await inProcess('import', out, '--lang', 'ur', '--dry-run');
    expect(dry).toEqual({ code: 0, out: [`dry run: would write ${path.join(f.localesDir, 'ur/_status.json')}, ${path.join(f.localesDir, 'ur/core.json')} (0 new text(s), 1 changed text(s), 1 status change(s), ${strings - 1} unchanged)`], err: [] });
    expect(await snapshot(f.dir)).toEqual(before);
    const imported = await cli('import', out, '--lang', 'ur');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(new RegExp(`^imported ur: 0 new text\\(s\\), 1 changed text\\(s\\), 1 status change\\(s\\), ${strings - 1} unchanged; wrote .*_status\\.json, .*core\\.json\\nto publish: `));
    expect(imported.stdout).not.toContain('شکریہ');
    expect(JSON.parse(await readFile(path.join(f.localesDir, 'ur/core.json'), 'utf8')).consent.thanks).toBe('شکریہ!');

    const broken = path.join(f.dir, 'broken.csv');
    await writeFile(broken, 'key,english,translation,status\nconsent.nope,x,y,reviewed\nconsent.thanks,Thank you.,ok,done\n');
    const after = await snapshot(f.dir);
    const refused = await cli('import', broken, '--lang', 'ur');
    expect(refused).toMatchObject({
      code: 1,
      stdout: `${broken}:2: consent.nope: unknown key: English has no such text (renamed or removed since the export?)\n${broken}:3: consent.thanks: status "done" is not one of machine, needs-review, reviewed\nnothing imported: 2 problem(s)\n`,
    });
    expect(await snapshot(f.dir)).toEqual(after);

    const usage = await cli('export', '--lang', 'xx', '--format', 'csv');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^--lang must be one of ur, pa, bn, ar, ro, pl, so\nusage:\n {2}anchorline translations export/);

    const status = await inProcess('status');
    expect(status.code).toBe(0);
    const row = (lang: string, ...n: number[]) => [lang.padEnd(8), ...n.map((x, i) => String(x).padStart([7, 8, 12, 7, 7][i]!))].join('  ');
    // English first, then every language by code (ar, bn, pa, pl, ro, so, ur): Urdu's row is the last.
    expect([...status.out.slice(0, 2), status.out.find((l) => l.startsWith('ur '))]).toEqual([
      'language  strings  reviewed  needs-review  machine  missing',
      row('en', englishStrings, englishStrings, 0, 0, 0),
      row('ur', strings, 1, strings - 1, 0, 0),
    ]);
  }, 300_000);
});
