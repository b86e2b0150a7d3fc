import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { diskPath, localeFiles, readFlowFiles, type FlowFiles } from './flowFiles.ts';
import type { Problem } from './problem.ts';
import type { Flow } from './schema.ts';

/** The coordinator's settings and exceptions for the plain-words check (issue 11, item 7). */
export const READABILITY_FILE = 'readability-allow.yaml';

const allowFileSchema = z.strictObject({
  /** `warning` while texts are being rewritten; `error` refuses a flow set with a hard text. */
  severity: z.enum(['warning', 'error']).default('warning'),
  /** Flesch-Kincaid grade above which a text is reported. Grade 4 is a reading age of about nine. */
  maxGrade: z.number().min(0).max(20).default(4),
  /** Texts with fewer words are not scored: the formula means little on a few words. */
  minWords: z.number().int().min(1).default(8),
  /** Button labels longer than this are reported (details belong in the message). */
  maxLabelLength: z.number().int().min(10).default(40),
  /** Proper names and terms scored as one short word wherever they appear. */
  names: z.array(z.strictObject({ name: z.string().min(1), reason: z.string().min(3) })).default([]),
  /** Words and phrases residents may not know, with what to say instead (found in any text, allowed or not). */
  avoid: z.array(z.strictObject({ words: z.string().min(1), say: z.string().min(1) })).default([]),
  /** Whole texts not scored. */
  allow: z.array(z.strictObject({ key: z.string().min(1), reason: z.string().min(3) })).default([]),
});
export type ReadabilitySettings = z.infer<typeof allowFileSchema>;

export interface ReadabilityInput {
  flowsDir: string;
  localesDir: string;
  flows: Iterable<Flow>;
  /** The language scored (the formula is for English). */
  lng?: string;
}

interface Text {
  key: string;
  text: string;
  file: string;
  line: number;
}

/** Flesch-Kincaid grade of one text, with `{{x}}` and the listed names read as short words. */
export function gradeOf(text: string, names: readonly string[] = []): { grade: number; words: number } {
  let plain = text.replace(/\{\{[^}]*\}\}/g, 'it').replace(/\$t\([^)]*\)/g, 'it').replace(/https?:\/\/\S+/g, 'link');
  for (const n of names) plain = plain.split(n).join('it');
  const sentences = plain.split(/[.!?]+(?:\s|$)|\n+|:\s/).filter((s) => /\p{L}/u.test(s));
  const words = plain.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [];
  if (words.length === 0) return { grade: 0, words: 0 };
  const syllables = words.reduce((n, w) => n + (/^\p{N}+$/u.test(w) ? 1 : Math.max(1, syllable(w))), 0);
  const grade = fleschKincaid({ sentence: Math.max(1, sentences.length), word: words.length, syllable: syllables });
  return { grade: Math.round(grade * 10) / 10, words: words.length };
}

/** The line of `a.b.c` in a JSON file's text (1 when it cannot be found). */
function lineOf(json: string, key: string): number {
  let at = 0;
  for (const part of key.split('.')) {
    const i = json.indexOf(`"${part}"`, at);
    if (i < 0) return 1;
    at = i + part.length + 2;
  }
  return json.slice(0, at).split('\n').length;
}

function collect(tree: unknown, prefix: string, out: Array<{ key: string; text: string }>): void {
  if (typeof tree === 'string') out.push({ key: prefix, text: tree });
  else if (tree && typeof tree === 'object' && !Array.isArray(tree)) {
    for (const [k, v] of Object.entries(tree)) collect(v, prefix ? `${prefix}.${k}` : k, out);
  }
  // Arrays are synonym and phrase lists: what residents type, not what we say.
}

function textsOf(files: FlowFiles, lng: string): Text[] {
  const out: Text[] = [];
  for (const [file, json] of localeFiles(files).get(lng) ?? []) {
    const found: Array<{ key: string; text: string }> = [];
    collect(JSON.parse(json) as unknown, '', found);
    for (const t of found) out.push({ ...t, file, line: lineOf(json, t.key) });
  }
  return out;
}

function settingsOf(text: string, file: string): { settings: ReadabilitySettings; problems: Problem[] } {
  const r = allowFileSchema.safeParse(parseYaml(text) ?? {});
  if (r.success) return { settings: r.data, problems: [] };
  const issue = r.error.issues[0]!;
  const problem: Problem = { severity: 'error', code: 'schema', file, line: 1, col: 1, path: issue.path.join('.'), message: issue.message };
  return { settings: allowFileSchema.parse({}), problems: [problem] };
}

/** Label keys of every choice button in the flows. */
function labelKeys(flows: Iterable<Flow>): Set<string> {
  const out = new Set<string>();
  for (const flow of flows) {
    for (const step of flow.steps.values()) if (step.kind === 'ask') for (const c of step.choices ?? []) out.add(c.label);
  }
  return out;
}

/**
 * Reports English texts above a reading age of about nine (Flesch-Kincaid grade over
 * `maxGrade`) and button labels over `maxLabelLength` characters, by file and key.
 * Settings and exceptions come from flows/readability-allow.yaml.
 */
export async function checkReadability(input: ReadabilityInput): Promise<Problem[]> {
  const files = await readFlowFiles(input.flowsDir, input.localesDir);
  return checkReadabilityOf({ files, flows: input.flows, lng: input.lng }).map((p) => ({ ...p, file: diskPath(p.file, input.flowsDir, input.localesDir) }));
}

/** `checkReadability` on a FlowFiles set (the studio's draft, a release); problems name FlowFiles paths. */
export function checkReadabilityOf(input: { files: FlowFiles; flows: Iterable<Flow>; lng?: string | undefined }): Problem[] {
  const allowFile = `flows/${READABILITY_FILE}`;
  const { settings, problems } = settingsOf(input.files[allowFile] ?? '', allowFile);
  const texts = textsOf(input.files, input.lng ?? 'en');
  const allowed = new Set(settings.allow.map((a) => a.key));
  const names = settings.names.map((n) => n.name).sort((a, b) => b.length - a.length);
  const labels = labelKeys(input.flows);
  const report = (t: Text, code: string, message: string): Problem => ({ severity: settings.severity, code, file: t.file, line: t.line, col: 1, path: t.key, message });
  for (const t of texts) {
    if (labels.has(t.key) && t.text.length > settings.maxLabelLength) {
      problems.push(report(t, 'label_long', `button label is ${t.text.length} characters (at most ${settings.maxLabelLength}): put the details in the message`));
    }
    for (const a of settings.avoid) {
      if (new RegExp(`\\b${a.words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i').test(t.text)) {
        problems.push(report(t, 'hard_words', `"${a.words}" is hard to understand: ${a.say}`));
      }
    }
    if (allowed.has(t.key)) continue;
    const { grade, words } = gradeOf(t.text, names);
    if (words >= settings.minWords && grade > settings.maxGrade) {
      problems.push(report(t, 'reading_age', `reading grade ${grade} is above ${settings.maxGrade} (reading age about ${Math.round(settings.maxGrade + 5)}): use shorter sentences and common words, or list it in ${READABILITY_FILE} with a reason`));
    }
  }
  for (const a of settings.allow) {
    if (!texts.some((t) => t.key === a.key)) {
      problems.push({ severity: 'warning', code: 'readability_allow_unknown', file: allowFile, line: 1, col: 1, path: a.key, message: `key "${a.key}" is not a text in locales/${input.lng ?? 'en'}` });
    }
  }
  return problems;
}
