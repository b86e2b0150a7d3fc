import { isMap, LineCounter, parseDocument } from 'yaml';

export interface OutlineStep {
  id: string;
  /** The step's kind (its main key), or undefined when it has none or several. */
  kind: string | undefined;
  /** One line saying what the step does, e.g. `choice: language` or `→ thanks`. */
  summary: string;
  /** The step's fields as plain data (what the form edits). */
  value: Record<string, unknown>;
}

export type FlowOutline =
  | { ok: true; id: string; steps: OutlineStep[]; /** The flow's own fields (id, description, start…) without its steps. */ header: Record<string, unknown> }
  | { ok: false; message: string; line: number; col: number };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The kind of a step as the loader decides it: `end` may also carry `say`. */
export function stepKind(raw: Record<string, unknown>, kinds: readonly string[]): string | undefined {
  const found = kinds.filter((k) => k in raw);
  if (found.includes('end')) return 'end';
  return found.length === 1 ? found[0] : undefined;
}

const short = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(short).join(', ') : isRecord(v) ? Object.keys(v).join(', ') : String(v));

function summaryOf(kind: string | undefined, raw: Record<string, unknown>): string {
  if (!kind) return 'no kind: add one of the step kinds';
  const main = raw[kind];
  if (kind === 'ask') return `${short(raw['type'])}: ${short(raw['question'])}`;
  if (kind === 'branch' && Array.isArray(main)) return `${main.length} way${main.length === 1 ? '' : 's'}`;
  if (kind === 'end') return `${main === true ? 'ends' : short(main)}${raw['say'] ? `, says ${short(raw['say'])}` : ''}`;
  return short(main);
}

/**
 * The steps of a flow file for the outline, straight from its YAML (the source text is the truth).
 * A text that does not parse gives the parser's first error and where it is.
 */
export function flowOutline(text: string, kinds: readonly string[]): FlowOutline {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    return { ok: false, message: err.message.split('\n')[0] ?? 'the YAML does not parse', line: pos.line, col: pos.col };
  }
  if (!isMap(doc.contents)) return { ok: false, message: 'a flow file must be a mapping with id and steps', line: 1, col: 1 };
  const js: unknown = doc.toJS();
  const root = isRecord(js) ? js : {};
  const { steps: rawSteps, ...header } = root;
  const steps = isRecord(rawSteps) ? rawSteps : {};
  return {
    ok: true,
    id: typeof root['id'] === 'string' ? root['id'] : '',
    header,
    steps: Object.entries(steps).map(([id, raw]) => {
      const value = isRecord(raw) ? raw : {};
      const kind = stepKind(value, kinds);
      return { id, kind, summary: summaryOf(kind, value), value };
    }),
  };
}
