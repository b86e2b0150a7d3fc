import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { readFlowFiles } from '../../src/flows/flowFiles.ts';
import { readDataNameTexts } from '../../src/translations/dataNameTexts.ts';
import { missingKeys, statusCounts } from '../../src/translations/status.ts';
import { exportFromFolders, importIntoFolders } from '../../src/translations/runTranslations.ts';
import { copyFolders, snapshot, translatedLanguages } from './folders.ts';

const languages = await translatedLanguages();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function folders() {
  const f = await copyFolders();
  cleanups.push(f.remove);
  return f;
}

describe.each(languages)('translations round trip: %s', (lang) => {
  it.each(['xliff', 'csv'] as const)('an unchanged %s export imports to byte-identical files', async (format) => {
    const f = await folders();
    const before = await snapshot(f.dir);
    const { text, strings } = await exportFromFolders(f, lang, format);
    expect(strings).toBeGreaterThan(300);
    const r = await importIntoFolders(f, lang, text, format);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.written).toEqual([]);
    expect(await snapshot(f.dir)).toEqual(before);
  });

  it('has every English string (nothing falls back to English)', async () => {
    const files = await readFlowFiles('flows', 'locales');
    const names = await readDataNameTexts('flows');
    expect(missingKeys(files, lang, names)).toEqual([]);
    expect(statusCounts(files, names).find((c) => c.lang === lang)?.missing).toBe(0);
  });
});

describe('a spreadsheet saved back by Excel or LibreOffice', () => {
  it('changes exactly the edited strings and statuses (CRLF, BOM, columns reordered, re-quoted, trailing empty rows)', async () => {
    const f = await folders();
    const core = path.join(f.localesDir, 'ur', 'core.json');
    // A string Urdu lacks, so the translator fills one in.
    const tree = JSON.parse(await readFile(core, 'utf8'));
    delete tree.consent.thanks;
    await writeFile(core, `${JSON.stringify(tree, null, 2)}\n`);
    const before = await snapshot(f.dir);
    const { text } = await exportFromFolders(f, 'ur', 'csv');
    expect(text.startsWith('\uFEFFkey,english,translation,status,max_length,used_at,notes\r\n')).toBe(true);

    const rows: string[][] = parse(text, { bom: true });
    const [header, ...body] = rows;
    const edit = (key: string, translation: string | undefined, status: string) => {
      const row = body.find((r) => r[0] === key)!;
      if (translation !== undefined) row[2] = translation;
      row[3] = status;
    };
    edit('consent.thanks', 'شکریہ۔', 'reviewed');
    edit('consent.question', 'کیا ہم آپ کے جوابات اپنے پاس رکھ سکتے ہیں؟', 'needs-review');
    edit('answers.yesLabel', undefined, 'reviewed');
    edit('answers.bothWords', 'دونوں\r\nدونوں ہی\r\n', 'machine');
    // Columns in another order, every field quoted, CRLF, a BOM and empty rows at the end.
    const order = [2, 0, 3, 1, 6, 5, 4];
    const saved = `\uFEFF${stringify([order.map((i) => header![i]!), ...body.map((r) => order.map((i) => r[i]!))], { quoted: true, record_delimiter: '\r\n' })},,,,,,\r\n\r\n`;
    const r = await importIntoFolders(f, 'ur', saved, 'csv');
    expect(r.problems).toEqual([]);
    expect({ added: r.added, changed: r.changed, statuses: r.statuses }).toEqual({ added: 1, changed: 2, statuses: 3 });

    const after = await snapshot(f.dir);
    const changed = Object.keys(after).filter((p) => after[p] !== before[p]).sort();
    expect(changed).toEqual(['locales/ur/_status.json', 'locales/ur/core.json']);
    const now = JSON.parse(await readFile(core, 'utf8'));
    expect(now.consent.thanks).toBe('شکریہ۔');
    expect(now.consent.question).toBe('کیا ہم آپ کے جوابات اپنے پاس رکھ سکتے ہیں؟');
    expect(now.answers.bothWords).toEqual(['دونوں', 'دونوں ہی']);
    // Everything else as it was, in the same order; the new key where English has it.
    const old = JSON.parse(Buffer.from(before['locales/ur/core.json']!, 'base64').toString('utf8'));
    expect(Object.keys(now.consent)).toEqual(['notice', 'question', 'refused', 'thanks']);
    const strip = (t: { consent: Record<string, unknown>; answers: Record<string, unknown> }) => ({ ...t, consent: { ...t.consent, thanks: 0, question: 0 }, answers: { ...t.answers, bothWords: 0 } });
    expect(JSON.stringify(strip(now))).toBe(JSON.stringify(strip(old)));
    expect(JSON.parse(await readFile(path.join(f.localesDir, 'ur', '_status.json'), 'utf8'))).toEqual({
      'answers.bothWords': 'machine',
      'answers.yesLabel': 'reviewed',
      'consent.thanks': 'reviewed',
    });
    // consent.question stays needs-review: no entry (absent means needs-review); the next export says so.
    const again = await exportFromFolders(f, 'ur', 'csv');
    const statusOf = (key: string) => (parse(again.text, { bom: true }) as string[][]).find((x) => x[0] === key)?.[3];
    expect([statusOf('consent.thanks'), statusOf('consent.question'), statusOf('answers.yesLabel'), statusOf('answers.bothWords')]).toEqual(['reviewed', 'needs-review', 'reviewed', 'machine']);
  });
});
