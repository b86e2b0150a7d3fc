/**
 * The translators' round trip (issue 14, docs/translations.md):
 *   anchorline translations export --lang so --format xliff|csv [--out FILE]
 *   anchorline translations import FILE --lang so [--format xliff|csv] [--dry-run]
 *   anchorline translations status
 * Export and status read the folders (FLOWS_DIR, LOCALES_DIR); import writes into LOCALES_DIR,
 * like a hand edit, and publishing is the usual step (flows import, or a restart).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { diskPath, readFlowFiles } from '../flows/flowFiles.ts';
import { LANGUAGE_CODES } from '../languages.ts';
import { readDataNameTexts } from '../translations/dataNameTexts.ts';
import { EXPORT_FORMATS } from '../translations/exportTranslations.ts';
import { exportFromFolders, importIntoFolders } from '../translations/runTranslations.ts';
import { countsTable, statusCounts } from '../translations/status.ts';

export const TRANSLATIONS_USAGE = `  anchorline translations export --lang <code> --format xliff|csv [--out FILE]
  anchorline translations import <FILE> --lang <code> [--format xliff|csv] [--dry-run]
  anchorline translations status`;

export interface TranslationsIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where an export without --out goes (stdout). */
  write: (text: string) => void;
}

const translated = LANGUAGE_CODES.filter((c) => c !== 'en');
const langOption = z.enum(translated as [string, ...string[]], { error: `--lang must be one of ${translated.join(', ')}` });
const formatOption = z.enum(EXPORT_FORMATS, { error: '--format must be xliff or csv' });

const exportArgs = z.object({ lang: langOption, format: formatOption, out: z.string().min(1).optional() });
const importArgs = z.object({ lang: langOption, format: formatOption.optional(), file: z.string({ error: 'import needs one FILE' }).min(1, 'import needs one FILE'), dryRun: z.boolean() });

/** The format of a file to import: --format, else its extension. */
function formatOf(file: string, given: 'xliff' | 'csv' | undefined): 'xliff' | 'csv' | undefined {
  if (given) return given;
  const ext = path.extname(file).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.xlf' || ext === '.xliff' ? 'xliff' : undefined;
}

const usage = (io: TranslationsIo, message: string) => {
  io.err(`${message}\nusage:\n${TRANSLATIONS_USAGE}`);
  return 2;
};

/** `anchorline translations …`: exit 0 done, 1 refused (problems listed), 2 usage. */
export async function translationsCli(argv: string[], config: Pick<Config, 'FLOWS_DIR' | 'LOCALES_DIR'>, io: TranslationsIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: { lang: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    });
  try {
    parsed = parse();
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  const [cmd, ...rest] = positionals;
  const issues = (e: z.ZodError) => e.issues.map((i) => i.message).join('\n');
  const folders = { flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR };

  if (cmd === 'status') {
    if (rest.length || values.lang || values.format || values.out) return usage(io, 'translations status takes no arguments');
    const files = await readFlowFiles(config.FLOWS_DIR, config.LOCALES_DIR);
    const names = await readDataNameTexts(config.FLOWS_DIR);
    for (const line of countsTable(statusCounts(files, names))) io.out(line);
    return 0;
  }
  if (cmd === 'export') {
    if (rest.length) return usage(io, `translations export: unexpected ${rest.join(' ')}`);
    const a = exportArgs.safeParse({ lang: values.lang, format: values.format, out: values.out });
    if (!a.success) return usage(io, issues(a.error));
    const { text, strings, missing } = await exportFromFolders(folders, a.data.lang, a.data.format);
    if (!a.data.out) {
      io.write(text);
      return 0;
    }
    await mkdir(path.dirname(path.resolve(a.data.out)), { recursive: true });
    await writeFile(a.data.out, text);
    io.out(`exported ${strings} string(s) of ${a.data.lang} (${missing} not translated yet) to ${a.data.out}`);
    return 0;
  }
  if (cmd === 'import') {
    if (rest.length > 1) return usage(io, `translations import takes one FILE, not ${rest.length}`);
    const a = importArgs.safeParse({ lang: values.lang, format: values.format, file: rest[0], dryRun: values['dry-run'] });
    if (!a.success) return usage(io, issues(a.error));
    const format = formatOf(a.data.file, a.data.format);
    if (!format) return usage(io, `cannot tell the format of ${a.data.file}: give --format xliff|csv`);
    let text: string;
    try {
      text = await readFile(a.data.file, 'utf8');
    } catch (err) {
      io.err(`cannot read ${a.data.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return 1;
    }
    const plan = await importIntoFolders(folders, a.data.lang, text, format, { dryRun: a.data.dryRun });
    for (const w of plan.warnings) io.out(`${a.data.file}:${w.line}: warning: ${w.message}`);
    if (plan.problems.length) {
      for (const p of [...plan.problems].sort((x, y) => x.line - y.line)) io.out(`${a.data.file}:${p.line}: ${p.message}`);
      io.out(`nothing imported: ${plan.problems.length} problem(s)`);
      return 1;
    }
    const summary = `${plan.added} new text(s), ${plan.changed} changed text(s), ${plan.statuses} status change(s), ${plan.unchanged} unchanged`;
    const targets = Object.keys(plan.files).sort().map((p) => diskPath(p, config.FLOWS_DIR, config.LOCALES_DIR));
    if (!targets.length) {
      io.out(`nothing to change: ${summary}`);
      return 0;
    }
    if (a.data.dryRun) {
      io.out(`dry run: would write ${targets.join(', ')} (${summary})`);
      return 0;
    }
    io.out(`imported ${a.data.lang}: ${summary}; wrote ${targets.join(', ')}`);
    io.out('to publish: npm run flows -- check, then npm run flows -- import <folder with flows/ and locales/> --by <name> (or restart the server: it publishes changed folders at start-up; in development it does so as files change)');
    return 0;
  }
  return usage(io, `unknown command: translations ${positionals.join(' ') || '(none)'}`);
}
