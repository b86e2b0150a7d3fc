import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { escapeCsvCell, unescapeCsvCell } from '../../src/translations/exportTranslations.ts';
import { linkProblems } from '../../src/translations/links.ts';
import { exportFromFolders, importIntoFolders } from '../../src/translations/runTranslations.ts';
import { copyFolders, snapshot } from './folders.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function folders() {
  const f = await copyFolders();
  cleanups.push(f.remove);
  return f;
}
const csv = (rows: string[][]) => stringify([['key', 'english', 'translation', 'status'], ...rows], { record_delimiter: '\r\n', quoted_match: /\n/ });

describe('a translation may not bring in a link, an address or HTML the English does not have', () => {
  it('finds URLs, bare domains, markdown links and images, reference links and HTML tags; allows what the English has', () => {
    expect(linkProblems('Thank you.', 'شکریہ https://evil.example/login')).toEqual(['a URL not in the English: https://evil.example/login']);
    expect(linkProblems('Thank you.', 'Dziękuję, zobacz www.evil.example.')).toEqual(['a URL not in the English: www.evil.example']);
    expect(linkProblems('Thank you.', 'Mulțumim! anchorline-help.com')).toEqual(['a URL not in the English: anchorline-help.com']);
    expect(linkProblems('Thank you.', 'شکریہ [یہاں](https://evil.example)')).toEqual(['a markdown link not in the English: (https://evil.example)']);
    expect(linkProblems('Thank you.', '![x](evil.png)')).toEqual(['a markdown link not in the English: (evil.png)']);
    expect(linkProblems('Thank you.', '[here][1]\n\n[1]: https://evil.example')).toEqual(['a markdown link not in the English: (https://evil.example)']);
    expect(linkProblems('Thank you.', 'شکریہ <a href="https://evil.example">یہاں</a>')).toEqual(['an HTML tag not in the English: <a href="https://evil.example">', 'an HTML tag not in the English: </a>']);
    expect(linkProblems('Thank you.', '<img src=x onerror=alert(1)>')).toEqual(['an HTML tag not in the English: <img src=x onerror=alert(1)>']);
    // What the English has may stay (its link text translated); placeholders and Web Chat's [RETRY] are not links.
    expect(linkProblems('Check on GOV.UK.', 'GOV.UK پر دیکھیں۔')).toEqual([]);
    expect(linkProblems('[Download your answers]({{url}})', '[اپنے جوابات ڈاؤن لوڈ کریں]({{url}})')).toEqual([]);
    expect(linkProblems('Send failed. [Retry][RETRY].', 'نہیں بھیجا جا سکا۔ [دوبارہ کوشش کریں][RETRY]۔')).toEqual([]);
    expect(linkProblems('Like name@example.com', 'جیسے name@example.com')).toEqual([]);
    expect(linkProblems('<b>Note</b>', '<b>نوٹ</b>')).toEqual([]);
    // Not links: a time, a number, an abbreviation.
    expect(linkProblems('At 9.30am, 2.5 miles, e.g. a job.', 'o 9.30, 2,5 mili, np. praca.')).toEqual([]);
  });

  it('import reports each, with its line, and writes nothing', async () => {
    const f = await folders();
    const before = await snapshot(f.dir);
    const text = csv([
      ['consent.thanks', 'Thank you.', 'شکریہ۔ https://evil.example/login', 'reviewed'],
      ['consent.refused', (await englishOf(f, 'consent.refused')), 'ٹھیک ہے۔ [یہاں کلک کریں](http://evil.example)', 'reviewed'],
      ['answers.yesLabel', 'Yes', '<a href="http://evil.example">ہاں</a>', 'reviewed'],
      ['answers.hint.email', await englishOf(f, 'answers.hint.email'), (await targetOf(f, 'ur', 'answers.hint.email')), 'reviewed'],
    ]);
    const r = await importIntoFolders(f, 'ur', text, 'csv');
    const why = ' (Web Chat shows links and markup to residents: keep to the English\'s)';
    expect(r.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      `2: consent.thanks: a URL not in the English: https://evil.example/login${why}`,
      `3: consent.refused: a markdown link not in the English: (http://evil.example)${why}`,
      `4: answers.yesLabel: an HTML tag not in the English: <a href="http://evil.example">${why}`,
      `4: answers.yesLabel: an HTML tag not in the English: </a>${why}`,
    ]);
    expect(r.written).toEqual([]);
    expect(await snapshot(f.dir)).toEqual(before);
  });
});

async function englishOf(f: { localesDir: string }, key: string): Promise<string> {
  return targetOf(f, 'en', key);
}
async function targetOf(f: { localesDir: string }, lang: string, key: string): Promise<string> {
  for (const file of ['core', 'journey', 'eligibility', 'handoff', 'notices', 'widget']) {
    let v: unknown = JSON.parse(await readFile(path.join(f.localesDir, lang, `${file}.json`), 'utf8'));
    for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    if (typeof v === 'string') return v;
  }
  throw new Error(`no ${lang} ${key}`);
}

describe('CSV export: no cell a spreadsheet would run as a formula', () => {
  it("escapes = + - @ with a ' and takes it off again, also for a text that begins with ' itself", () => {
    for (const t of ['=HYPERLINK("http://evil.example","x")', '+44 121', '-5', '@home', "'=x", "''-y", "'quoted'", 'plain', '']) {
      expect(unescapeCsvCell(escapeCsvCell(t))).toBe(t);
    }
    expect(escapeCsvCell('=1+1')).toBe("'=1+1");
    expect(escapeCsvCell("'=1")).toBe("''=1");
    expect(escapeCsvCell("'quoted'")).toBe("'quoted'");
  });

  it('an export of texts beginning with = + - @ has no such cell, and imports back byte-identical', async () => {
    const f = await folders();
    const core = path.join(f.localesDir, 'ur', 'core.json');
    const tree = JSON.parse(await readFile(core, 'utf8')) as { consent: Record<string, string>; answers: Record<string, unknown> };
    tree.consent.thanks = '=HYPERLINK("x","شکریہ")';
    tree.consent.refused = '-ٹھیک ہے';
    tree.consent.question = "'@کیا";
    tree.answers.bothWords = ['+دونوں', 'دونوں ہی'];
    await writeFile(core, `${JSON.stringify(tree, null, 2)}\n`);
    const before = await snapshot(f.dir);
    const { text } = await exportFromFolders(f, 'ur', 'csv');
    const cells = (parse(text, { bom: true }) as string[][]).flat();
    expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
    const row = (key: string) => (parse(text, { bom: true }) as string[][]).find((r) => r[0] === key)!;
    expect(row('consent.thanks')[2]).toBe('\'=HYPERLINK("x","شکریہ")');
    expect(row('consent.question')[2]).toBe("''@کیا");
    expect(row('answers.bothWords')[2]).toBe("'+دونوں\nدونوں ہی");
    const r = await importIntoFolders(f, 'ur', text, 'csv');
    expect(r.problems).toEqual([]);
    expect(r.written).toEqual([]);
    expect(await snapshot(f.dir)).toEqual(before);
  });
});
