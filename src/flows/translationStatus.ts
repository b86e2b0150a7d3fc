import { z } from 'zod';
import type { FlowFiles } from './flowFiles.ts';

/**
 * How far a translated string can be trusted (issue 14):
 * - `machine`: produced by a machine translation service, never read by a person;
 * - `needs-review`: written by someone who cannot vouch for it (an engineer, a first draft), or
 *   changed since it was reviewed;
 * - `reviewed`: checked by a fluent speaker.
 * English is the source language: its strings are reviewed by definition.
 */
export const TRANSLATION_STATUSES = ['machine', 'needs-review', 'reviewed'] as const;
export type TranslationStatus = (typeof TRANSLATION_STATUSES)[number];

/** The path of a language's status file inside a FlowFiles set. */
export const statusPath = (lang: string) => `locales/${lang}/_status.json`;

/**
 * `locales/<lang>/_status.json`: one entry per flat wording key (`consent.question`; a list of
 * synonyms is one key), sorted by key. A key with no entry is `needs-review`.
 */
export const statusFileSchema = z.record(z.string().min(1), z.enum(TRANSLATION_STATUSES));
export type StatusFile = z.infer<typeof statusFileSchema>;

export class StatusFileError extends Error {
  readonly code = 'translation_status_invalid';
}

/** A language's status file from a FlowFiles set (empty when there is none); a bad file throws with its path. */
export function readStatusFile(files: FlowFiles, lang: string): StatusFile {
  const text = files[statusPath(lang)];
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StatusFileError(`${statusPath(lang)}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = statusFileSchema.safeParse(json);
  if (!parsed.success) throw new StatusFileError(`${statusPath(lang)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The status file's text: keys sorted, two-space indent, final newline (so a round trip is byte-identical). */
export function statusFileText(status: StatusFile): string {
  const sorted = Object.fromEntries(Object.keys(status).sort().map((k) => [k, status[k]!]));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/** Problems of the set's status files: the file and what is wrong with it (the checker refuses a set with one). */
export function statusFileProblems(files: FlowFiles): Array<{ file: string; message: string }> {
  const out: Array<{ file: string; message: string }> = [];
  for (const p of Object.keys(files).sort()) {
    const m = /^locales\/([^/]+)\/_status\.json$/.exec(p);
    if (!m) continue;
    try {
      readStatusFile(files, m[1]!);
    } catch (err) {
      out.push({ file: p, message: (err as Error).message.replace(`${p}: `, '') });
    }
  }
  return out;
}
