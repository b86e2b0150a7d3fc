import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { readFlowFiles, type FlowFiles } from '../../src/flows/flowFiles.ts';
import { buildCatalogue, languageTexts } from '../../src/translations/catalogue.ts';
import { readDataNameTexts } from '../../src/translations/dataNameTexts.ts';
import { exportFromFolders, importIntoFolders } from '../../src/translations/runTranslations.ts';
import { reviewedLanguages, statusCounts, statusFileText, statusPath } from '../../src/translations/status.ts';
import { copyFolders } from './folders.ts';

const files = await readFlowFiles('flows', 'locales');
const names = await readDataNameTexts('flows');
const require = createRequire(import.meta.url);
const api = createRequire(require.resolve('botframework-webchat')).resolve('botframework-webchat-api');
const webChatEnglish = JSON.parse(await readFile(path.join(path.dirname(api), 'localization', 'en-US.json'), 'utf8')) as Record<string, string>;
const webChatKeys = (lang: string) => [...(languageTexts(files, lang).get('widget')?.keys() ?? [])].filter((k) => k.startsWith('widget.webchat.'));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("Web Chat's own strings (widget.webchat.*) are part of a language's catalogue", () => {
  it.each(['ur', 'pa', 'bn', 'so'])('%s: its 37 Web Chat strings, with Web Chat\'s English as the source, after the widget\'s own', (lang) => {
    const keys = webChatKeys(lang);
    expect(keys).toHaveLength(37);
    const catalogue = buildCatalogue(files, lang, names);
    const webChat = catalogue.filter((e) => e.key.startsWith('widget.webchat.'));
    expect(webChat.map((e) => e.key)).toEqual(keys);
    for (const e of webChat) {
      expect(e).toMatchObject({ source: webChatEnglish[e.key.slice('widget.webchat.'.length)], file: 'widget', target: expect.any(String), status: 'needs-review', list: false });
    }
    // Right after the widget's own texts, before the data names.
    const at = catalogue.findIndex((e) => e.key.startsWith('widget.webchat.'));
    expect(catalogue[at - 1]!.key).toBe('widget.unavailable');
    expect(catalogue.find((e) => e.key === 'widget.webchat.ACTIVITY_STATUS_SEND_FAILED_RETRY')?.source).toBe('Send failed. [Retry][RETRY].');
  });

  it('English and the languages Web Chat translates itself (ar, ro, pl) have none', () => {
    for (const lang of ['en', 'ar', 'ro', 'pl']) expect(buildCatalogue(files, lang, names).filter((e) => e.key.startsWith('widget.webchat.'))).toEqual([]);
  });

  it('are counted: a language is not reviewed while its Web Chat strings are not', () => {
    const counts = statusCounts(files, names);
    const en = counts.find((c) => c.lang === 'en')!;
    expect(counts.find((c) => c.lang === 'so')!.total).toBe(en.total + 37);
    const allBut = (keep: (k: string) => boolean): FlowFiles => ({
      ...files,
      [statusPath('so')]: statusFileText(Object.fromEntries(buildCatalogue(files, 'so', names).filter((e) => keep(e.key)).map((e) => [e.key, 'reviewed' as const]))),
    });
    const withoutWebChat = allBut((k) => !k.startsWith('widget.webchat.'));
    expect(statusCounts(withoutWebChat, names).find((c) => c.lang === 'so')).toMatchObject({ needsReview: 37, missing: 0 });
    expect(reviewedLanguages(withoutWebChat, names)).not.toContain('so');
    expect(reviewedLanguages(allBut(() => true), names)).toContain('so');
  });

  it('are exported (CSV and XLIFF) and imported into widget.json, checked like the rest ($1, [RETRY])', async () => {
    const f = await copyFolders();
    cleanups.push(f.remove);
    const csv = (await exportFromFolders(f, 'ur', 'csv')).text;
    expect(csv).toContain('\r\nwidget.webchat.ACTIVITY_BOT_SAID_ALT,Bot $1 said:,بوٹ $1 نے کہا:,needs-review,');
    const xliff = (await exportFromFolders(f, 'ur', 'xliff')).text;
    expect(xliff).toMatch(/<unit id="widget\.webchat\.TEXT_INPUT_PLACEHOLDER">[\s\S]*?<source>Type your message<\/source>\s*<target>اپنا پیغام لکھیں<\/target>/);

    const rows = (r: string[][]) => stringify([['key', 'english', 'translation', 'status'], ...r], { record_delimiter: '\r\n' });
    const broken = await importIntoFolders(f, 'ur', rows([
      ['widget.webchat.ACTIVITY_BOT_SAID_ALT', 'Bot $1 said:', 'بوٹ نے کہا:', 'reviewed'],
      ['widget.webchat.ACTIVITY_STATUS_SEND_FAILED_RETRY', 'Send failed. [Retry][RETRY].', 'نہیں بھیجا جا سکا۔ دوبارہ کوشش کریں۔', 'reviewed'],
    ]), 'csv');
    expect(broken.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '2: widget.webchat.ACTIVITY_BOT_SAID_ALT: placeholders differ from the English: missing $1',
      '3: widget.webchat.ACTIVITY_STATUS_SEND_FAILED_RETRY: placeholders differ from the English: missing [RETRY]',
    ]);
    expect(broken.written).toEqual([]);

    const ok = await importIntoFolders(f, 'ur', rows([['widget.webchat.TEXT_INPUT_PLACEHOLDER', 'Type your message', 'یہاں اپنا پیغام لکھیں', 'reviewed']]), 'csv');
    expect(ok.problems).toEqual([]);
    expect(ok.written.map((p) => path.relative(f.dir, p))).toEqual(['locales/ur/_status.json', 'locales/ur/widget.json']);
    const widget = JSON.parse(await readFile(path.join(f.localesDir, 'ur', 'widget.json'), 'utf8')) as { widget: { webchat: Record<string, string> } };
    expect(widget.widget.webchat.TEXT_INPUT_PLACEHOLDER).toBe('یہاں اپنا پیغام لکھیں');
    expect(Object.keys(widget.widget.webchat)).toEqual(webChatKeys('ur').map((k) => k.slice('widget.webchat.'.length)));
    expect(JSON.parse(await readFile(path.join(f.localesDir, 'ur', '_status.json'), 'utf8'))).toEqual({ 'widget.webchat.TEXT_INPUT_PLACEHOLDER': 'reviewed' });
  });
});
