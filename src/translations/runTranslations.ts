import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diskPath, readFlowFiles } from '../flows/flowFiles.ts';
import { buildCatalogue } from './catalogue.ts';
import { readDataNameTexts } from './dataNameTexts.ts';
import { exportCsv, exportXliff, type ExportFormat } from './exportTranslations.ts';
import { planImport, type ImportPlan } from './importTranslations.ts';
import { parseCsvImport, parseXliffImport } from './parseImport.ts';

export interface Folders {
  flowsDir: string;
  localesDir: string;
}

/** A language's strings from the folders, as a translator's file. */
export async function exportFromFolders(folders: Folders, lang: string, format: ExportFormat): Promise<{ text: string; strings: number; missing: number }> {
  const entries = buildCatalogue(await readFlowFiles(folders.flowsDir, folders.localesDir), lang, await readDataNameTexts(folders.flowsDir));
  const text = format === 'csv' ? exportCsv(entries, lang) : await exportXliff(entries, lang);
  return { text, strings: entries.length, missing: entries.filter((e) => e.target === undefined).length };
}

/**
 * Checks a translator's file against the folders and, when nothing is wrong and it is not a dry
 * run, writes the wording files and `_status.json` it changes (nothing else). `written`: disk paths.
 */
export async function importIntoFolders(folders: Folders, lang: string, text: string, format: ExportFormat, o: { dryRun?: boolean } = {}): Promise<ImportPlan & { written: string[] }> {
  const files = await readFlowFiles(folders.flowsDir, folders.localesDir);
  const parsed = format === 'csv' ? await parseCsvImport(text) : await parseXliffImport(text);
  const plan = planImport(files, lang, await readDataNameTexts(folders.flowsDir), parsed);
  const targets = Object.keys(plan.files).sort().map((p) => [p, diskPath(p, folders.flowsDir, folders.localesDir)] as const);
  if (plan.problems.length || o.dryRun) return { ...plan, written: [] };
  for (const [p, target] of targets) {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, plan.files[p]!);
  }
  return { ...plan, written: targets.map(([, t]) => t) };
}
