import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { FlowFiles } from '../ports.ts';

// The part of flows/readability-allow.yaml the wording view shows (the checker reads it all and
// reports a broken file; here a broken file means the defaults, with the same values).
const schema = z.object({
  maxGrade: z.number().catch(4).default(4),
  minWords: z.number().catch(8).default(8),
  names: z.array(z.object({ name: z.string().min(1) })).catch([]).default([]),
  allow: z.array(z.object({ key: z.string() })).catch([]).default([]),
});

export interface ReadabilityView {
  maxGrade: number;
  minWords: number;
  /** Proper names scored as one short word, longest first. */
  names: string[];
  /** Keys the coordinator chose not to score. */
  allowed: Set<string>;
}

export function readabilitySettings(files: FlowFiles): ReadabilityView {
  let raw: unknown = {};
  try {
    raw = parseYaml(files['flows/readability-allow.yaml'] ?? '') ?? {};
  } catch {
    raw = {};
  }
  const r = schema.safeParse(raw);
  const s = r.success ? r.data : schema.parse({});
  return { maxGrade: s.maxGrade, minWords: s.minWords, names: s.names.map((n) => n.name).sort((a, b) => b.length - a.length), allowed: new Set(s.allow.map((a) => a.key)) };
}
