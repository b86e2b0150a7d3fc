import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { z } from 'zod';

/** A data file that failed to load; `issues` name the file and the path inside it. */
export class DataFileError extends Error {
  readonly code = 'data_file_invalid';
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`${file} is not valid:\n  ${issues.join('\n  ')}`);
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(top)';
}

/** Reads a YAML file and validates it; every problem is reported as `file: path: message`. */
export async function loadYamlFile<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new DataFileError(file, [`${file}: ${(err as Error).message}`]);
  }
  const r = schema.safeParse(doc);
  if (!r.success) throw new DataFileError(file, r.error.issues.map((i) => `${file}: ${pathOf(i.path)}: ${i.message}`));
  return r.data;
}
