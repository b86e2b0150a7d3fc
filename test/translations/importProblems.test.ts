import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFlowFiles } from '../../src/flows/flowFiles.ts';
import { buildCatalogue, type CatalogueEntry } from '../../src/translations/catalogue.ts';
import { readDataNameTexts } from '../../src/translations/dataNameTexts.ts';
import { cellText } from '../../src/translations/exportTranslations.ts';
import { exportFromFolders, importIntoFolders } from '../../src/translations/runTranslations.ts';
import { copyFolders, snapshot } from './folders.ts';

type Folders = Awaited<ReturnType<typeof copyFolders>>;
let f: Folders;
const catalogues = new Map<string, Map<string, CatalogueEntry>>();
beforeAll(async () => {
  f = await copyFolders();
  const files = await readFlowFiles(f.flowsDir, f.localesDir);
  const names = await readDataNameTexts(f.flowsDir);
  for (const lang of ['ur', 'ar', 'pl']) catalogues.set(lang, new Map(buildCatalogue(files, lang, names).map((e) => [e.key, e])));
});
afterAll(async () => f?.remove());

const english = (lang: string, key: string) => cellText(catalogues.get(lang)!.get(key)!.source);
const csv = (rows: string[][]) => stringify([['key', 'english', 'translation', 'status'], ...rows], { record_delimiter: '\r\n', quoted_match: /\n/ });

/** Imports a file (into the shared copy unless told) and returns "line: message" per problem; the folders must be untouched. */
async function problemsOf(lang: string, text: string, format: 'csv' | 'xliff' = 'csv', into: Folders = f): Promise<string[]> {
  const before = await snapshot(into.dir);
  const r = await importIntoFolders(into, lang, text, format);
  expect(r.written).toEqual([]);
  expect(await snapshot(into.dir)).toEqual(before);
  return r.problems.sort((a, b) => a.line - b.line).map((p) => `${p.line}: ${p.message}`);
}

describe('translations import refuses a file with problems, each with its line, and writes nothing', () => {
  it('CSV: placeholders, button length, unknown key, status, stale English, extra plural, empty list item, emptied text', async () => {
    const text = csv([
      ['answers.hint.numberRange', english('ur', 'answers.hint.numberRange'), 'براہ کرم {{min}} سے {{maxx}} تک نمبر لکھیں۔', 'reviewed'],
      ['answers.yesLabel', english('ur', 'answers.yesLabel'), 'ہ'.repeat(61), 'reviewed'],
      ['consent.nope', 'Nope', 'نہیں', 'reviewed'],
      ['consent.thanks', english('ur', 'consent.thanks'), 'بہت شکریہ۔', 'approved'],
      ['consent.question', 'Is it OK to keep your answers?', 'کیا ٹھیک ہے؟', 'reviewed'],
      ['notices.session.weeks_few', english('ur', 'notices.session.weeks_other'), '{{count}} ہفتے', 'reviewed'],
      // English two lines, the translation three: the row takes lines 8 to 11.
      ['answers.bothWords', english('ur', 'answers.bothWords'), 'دونوں\n\nدونوں ہی', 'reviewed'],
      ['consent.refused', english('ur', 'consent.refused'), '', 'reviewed'],
      // Stale English on a row that changes nothing: a warning, not a problem.
      ['consent.notice', 'An older notice', cellText(catalogues.get('ur')!.get('consent.notice')!.target), 'needs-review'],
    ]);
    expect(await problemsOf('ur', text)).toEqual([
      '2: answers.hint.numberRange: placeholders differ from the English: missing {{max}}; not in the English {{maxx}}',
      '3: answers.yesLabel: a button text of 61 characters: at most 60',
      '4: consent.nope: unknown key: English has no such text (renamed or removed since the export?)',
      '5: consent.thanks: status "approved" is not one of machine, needs-review, reviewed',
      "6: consent.question: the English has changed since this file was exported: translate today's English (export again) so nothing out of date is applied",
      '7: notices.session.weeks_few: extra plural form: ur has no "few" form (it needs one, other)',
      '8: answers.bothWords: list item 2 is empty (one item per line, no blank lines)',
      '12: consent.refused: empty translation: the language has a text for it; an import does not delete texts (fill it in, or leave the row out)',
    ]);
    const r = await importIntoFolders(f, 'ur', text, 'csv');
    expect(r.warnings.map((w) => `${w.line}: ${w.key}`)).toEqual(['13: consent.notice']);
  });

  it('CSV: a spreadsheet exported for another language is refused once, on its first row', async () => {
    const { text } = await exportFromFolders(f, 'ur', 'csv');
    expect(await problemsOf('ar', text)).toEqual(['2: this file was exported for language "ur" (notes column), not "ar": import it with --lang ur']);
  });

  it('plural forms: Arabic needs six, Polish four; missing and extra forms are named', async () => {
    // The shipped ar and pl have every form of notices.session.weeks, so an import giving some of
    // them completes nothing that is missing. The broken case: a copy where neither has the
    // plural yet, and the file gives only some of the forms.
    const g = await copyFolders();
    try {
      for (const lang of ['ar', 'pl']) {
        const file = path.join(g.localesDir, lang, 'notices.json');
        const tree = JSON.parse(await readFile(file, 'utf8')) as { notices: { session: Record<string, string> } };
        const dropped = Object.keys(tree.notices.session).filter((k) => k.startsWith('weeks_'));
        expect(dropped.length).toBeGreaterThan(0);
        for (const k of dropped) delete tree.notices.session[k];
        await writeFile(file, `${JSON.stringify(tree, null, 2)}\n`);
      }
      const weeks = (lang: string, form: string, cat: string, t: string) => [`notices.session.weeks_${cat}`, english(lang, `notices.session.weeks_${form}`), t, 'needs-review'];
      expect(await problemsOf('ar', csv([weeks('ar', 'one', 'one', 'أسبوع واحد'), weeks('ar', 'other', 'other', '{{count}} أسبوع')]), 'csv', g)).toEqual([
        '2: notices.session.weeks: plural form(s) missing: zero, two, few, many (ar needs zero, one, two, few, many, other)',
      ]);
      expect(
        await problemsOf('pl', csv([weeks('pl', 'one', 'one', '{{count}} tydzień'), weeks('pl', 'other', 'few', '{{count}} tygodnie'), weeks('pl', 'other', 'other', '{{count}} tygodnia'), ['notices.session.weeks_two', english('pl', 'notices.session.weeks_other'), '{{count}} tygodnie', 'needs-review']]), 'csv', g),
      ).toEqual([
        '2: notices.session.weeks: plural form(s) missing: many (pl needs one, few, many, other)',
        '5: notices.session.weeks_two: extra plural form: pl has no "two" form (it needs one, few, many, other)',
      ]);
    } finally {
      await g.remove();
    }
  });

  it('CSV: a quote that is never closed, and a stray character after a closing quote', async () => {
    const head = 'key,english,translation,status\r\n';
    expect(await problemsOf('ur', `${head}consent.question,"${english('ur', 'consent.question')}",ok,reviewed\r\nconsent.thanks,"Thank you.","شکریہ,reviewed\r\nconsent.refused,x,y,reviewed\r\n`)).toEqual([
      '3: malformed CSV: Quote Not Closed: the parsing is finished with an opening quote',
    ]);
    expect(await problemsOf('ur', `${head}consent.thanks,"Thank you."x,شکریہ,reviewed\r\n`)).toEqual([
      expect.stringMatching(/^2: malformed CSV: Invalid Closing Quote: got "x"/),
    ]);
  });

  it('XLIFF: malformed XML, another language (trgLang), and unit problems on the unit\'s line', async () => {
    const { text } = await exportFromFolders(f, 'ur', 'xliff');
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

    const lines = text.split('\n');
    const brokenAt = lines.findIndex((l, i) => i >= lineOf('<unit id="consent.thanks">') && l.endsWith('</target>')) + 1;
    expect(lines[brokenAt - 1]).toMatch(/<\/target>$/);
    // A bare & (a translator typing "and" in a text editor) is not XML.
    lines[brokenAt - 1] = lines[brokenAt - 1]!.replace('</target>', ' & </target>');
    expect(await problemsOf('ur', lines.join('\n'), 'xliff')).toEqual([expect.stringMatching(new RegExp(`^${brokenAt}: malformed XML: `))]);

    expect(await problemsOf('ar', text, 'xliff')).toEqual(['2: this file is for language "ur" (trgLang), not "ar": import it with --lang ur']);

    const edited = text
      .replace(/(<unit id="answers\.hint\.numberRange">[\s\S]*?<target>)[^<]*/, '$1براہ کرم {{min}} سے تک نمبر لکھیں۔')
      .replace(/(<unit id="consent\.thanks">[\s\S]*?<segment state=")translated" subState="anchorline:needs-review"/, '$1translated" subState="anchorline:approved"');
    expect(await problemsOf('ur', edited, 'xliff')).toEqual([
      `${lineOf('<unit id="consent.thanks">')}: consent.thanks: status "subState="anchorline:approved"" is not one of machine, needs-review, reviewed`,
      `${lineOf('<unit id="answers.hint.numberRange">')}: answers.hint.numberRange: placeholders differ from the English: missing {{max}}`,
    ]);
  });

  it('XLIFF: a tool that marks a segment final makes it reviewed; our subState survives a round trip', async () => {
    const g = await copyFolders();
    try {
      const { text } = await exportFromFolders(g, 'ur', 'xliff');
      expect(text).toContain('<segment state="translated" subState="anchorline:needs-review">');
      const marked = text.replace(/(<unit id="consent\.thanks">[\s\S]*?<segment state=")translated"/, '$1final"').replace(/(<unit id="consent\.refused">[\s\S]*?<segment state="translated" subState="anchorline:)needs-review"/, '$1machine"');
      const r = await importIntoFolders(g, 'ur', marked, 'xliff');
      expect(r.problems).toEqual([]);
      expect(r.written.map((p) => p.slice(g.dir.length + 1))).toEqual(['locales/ur/_status.json']);
      const again = (await exportFromFolders(g, 'ur', 'xliff')).text;
      expect(again).toMatch(/<unit id="consent\.thanks">[\s\S]*?<segment state="reviewed" subState="anchorline:reviewed">/);
      expect(again).toMatch(/<unit id="consent\.refused">[\s\S]*?<segment state="translated" subState="anchorline:machine">/);
    } finally {
      await g.remove();
    }
  });
});
