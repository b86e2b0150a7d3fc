import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Problem } from './problem.ts';
import { flowHeaderSchema, stepKinds, stepSchemas, type Flow, type Step } from './schema.ts';

export type PathKey = string | number;

/** Finds line and column of a path in the YAML document (the nearest existing ancestor). */
export class Locator {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  at(path: PathKey[]): { line: number; col: number } {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      // A key's own position reads better than its value's for missing children.
      if (node && typeof node === 'object' && node.range) {
        const pos = this.lines.linePos(node.range[0]);
        return { line: pos.line, col: pos.col };
      }
    }
    return { line: 1, col: 1 };
  }

  problem(path: PathKey[], code: string, message: string, severity: Problem['severity'] = 'error'): Problem {
    return { severity, code, file: this.file, ...this.at(path), path: path.join('.'), message };
  }
}

function zodProblems(loc: Locator, base: PathKey[], err: z.ZodError): Problem[] {
  return err.issues.map((i) => {
    const path = [...base, ...(i.path as PathKey[])];
    let message = i.message;
    if (i.code === 'unrecognized_keys') message = `unknown field ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    if (i.code === 'invalid_union') message = 'not a valid form here (see flows/README.md)';
    return loc.problem(path, 'schema', message);
  });
}

export interface ParsedFlowFile {
  flow?: Flow;
  locator: Locator;
  problems: Problem[];
}

/** Parses and validates one flow file. Pure: text in, flow and located problems out. */
export function parseFlowFile(file: string, text: string): ParsedFlowFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const loc = new Locator(file, doc, lines);
  const problems: Problem[] = [];
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    problems.push({ severity: 'error', code: 'yaml', file, line: pos.line, col: pos.col, path: '', message: e.message.split('\n')[0]! });
  }
  if (problems.length) return { locator: loc, problems };
  if (!isMap(doc.contents)) return { locator: loc, problems: [loc.problem([], 'schema', 'a flow file must be a mapping with id and steps')] };

  const header = flowHeaderSchema.safeParse(doc.toJS());
  if (!header.success) return { locator: loc, problems: zodProblems(loc, [], header.error) };
  const h = header.data;

  const steps = new Map<string, Step>();
  const order: string[] = [];
  for (const [id, raw] of Object.entries(h.steps)) {
    const path = ['steps', id];
    if (!/^[a-z][a-z0-9_]*$/.test(id)) {
      problems.push(loc.problem(path, 'schema', 'step ids are lower-case letters, digits and _ (start with a letter)'));
      continue;
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(loc.problem(path, 'schema', `a step is a mapping with one of: ${stepKinds.join(', ')}`));
      continue;
    }
    const kinds = stepKinds.filter((k) => k in raw);
    // `say` is also an optional field of `end`.
    const kind = kinds.includes('end') ? 'end' : kinds.length === 1 ? kinds[0] : undefined;
    if (!kind) {
      problems.push(
        loc.problem(path, 'schema', kinds.length ? `a step has one kind, found ${kinds.join(' and ')}` : `a step needs one of: ${stepKinds.join(', ')}`),
      );
      continue;
    }
    const parsed = stepSchemas[kind].safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodProblems(loc, path, parsed.error));
      continue;
    }
    steps.set(id, { kind, ...parsed.data } as Step);
    order.push(id);
  }
  if (order.length === 0 && problems.length === 0) problems.push(loc.problem(['steps'], 'schema', 'a flow needs at least one step'));
  if (problems.length) return { locator: loc, problems };
  return {
    locator: loc,
    problems,
    flow: {
      id: h.id,
      description: h.description,
      start: h.start ?? order[0]!,
      fallback: h.fallback,
      subflow: h.subflow,
      migrations: h.migrations,
      summary: h.summary,
      profile: h.profile,
      steps,
      order,
      file,
    },
  };
}
