import type { JsonSchema } from './jsonSchema.ts';

export type FieldPath = Array<string | number>;

interface Base {
  path: FieldPath;
  label: string;
  required: boolean;
}

/**
 * One control of a step's form, generated from the JSON Schema of the step's zod schema, so a new
 * step kind or field needs no studio code. Values the form cannot show as fields (conditions,
 * tuples, free maps such as `params`) are edited as a line of YAML.
 */
export type FormField =
  | (Base & { kind: 'text'; value: string; /** an i18n key: the editor shows its English wording beside it */ i18nKey: boolean })
  | (Base & { kind: 'number'; value: number | undefined; integer: boolean })
  | (Base & { kind: 'checkbox'; value: boolean })
  | (Base & { kind: 'select'; value: string | undefined; options: Array<{ value: string; label: string }> })
  | (Base & { kind: 'group'; present: boolean; fields: FormField[] })
  | (Base & { kind: 'list'; items: FormField[]; itemLabel: string; addValue: unknown })
  | (Base & { kind: 'switch'; selected: number; options: Array<{ label: string; value: unknown }>; field: FormField | undefined })
  | (Base & { kind: 'yaml'; value: string });

/** What a form control asks of the YAML: set a value, remove a field or item, or append to a list. */
export type FormEdit = { op: 'set'; path: FieldPath; value: unknown } | { op: 'delete'; path: FieldPath } | { op: 'add'; path: FieldPath; value: unknown };

export interface FormContext {
  /** `$defs` of the schema being rendered (the lazy condition schema lives there). */
  defs: Record<string, JsonSchema>;
  /** The JSON Schema pattern of an i18n key (fields with it are keys). */
  keyPattern: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const types = (s: JsonSchema): string[] => (s.type === undefined ? [] : [s.type].flat());
const branchesOf = (s: JsonSchema): JsonSchema[] | undefined => s.anyOf ?? s.oneOf;

function resolve(s: JsonSchema, ctx: FormContext): JsonSchema {
  const name = s.$ref?.replace('#/$defs/', '');
  return name && ctx.defs[name] ? ctx.defs[name] : s;
}

/** Whether a value has the shape of a schema (used to pick the branch of a union). */
export function fits(s: JsonSchema, v: unknown, ctx: FormContext, depth = 0): boolean {
  if (depth > 8) return true;
  if (s.$ref) return fits(resolve(s, ctx), v, ctx, depth + 1);
  const bs = branchesOf(s);
  if (bs) return bs.some((b) => fits(b, v, ctx, depth + 1));
  if (s.const !== undefined) return v === s.const;
  if (s.enum) return s.enum.includes(v as never);
  const t = types(s);
  if (t.length > 1) return t.some((x) => fits({ type: x }, v, ctx, depth + 1));
  switch (t[0]) {
    case 'string':
      return typeof v === 'string';
    case 'number':
    case 'integer':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object': {
      if (!isRecord(v)) return false;
      if (!(s.required ?? []).every((k) => k in v)) return false;
      return s.additionalProperties !== false || Object.keys(v).every((k) => k in (s.properties ?? {}));
    }
    default:
      return true;
  }
}

/** A value that fills a schema's required parts, for a new list item or a newly picked kind. */
export function emptyValue(s: JsonSchema, ctx: FormContext, depth = 0): unknown {
  if (depth > 6) return null;
  if (s.$ref) return emptyValue(resolve(s, ctx), ctx, depth + 1);
  const bs = branchesOf(s);
  if (bs?.[0]) return emptyValue(bs[0], ctx, depth + 1);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.prefixItems) return s.prefixItems.map((p) => emptyValue(p, ctx, depth + 1));
  const t = types(s)[0];
  if (t === 'string') return '';
  if (t === 'number' || t === 'integer') return 0;
  if (t === 'boolean') return false;
  if (t === 'null') return null;
  if (t === 'array') return (s.minItems ?? 0) > 0 && typeof s.items === 'object' ? [emptyValue(s.items, ctx, depth + 1)] : [];
  if (t === 'object') return Object.fromEntries((s.required ?? []).map((k) => [k, emptyValue(s.properties?.[k] ?? {}, ctx, depth + 1)]));
  return null;
}

/** A short name for a union's branch, for the kind switcher. */
function branchLabel(b: JsonSchema, ctx: FormContext): string {
  const s = resolve(b, ctx);
  const t = types(s)[0];
  if (t === 'array') {
    const item = typeof s.items === 'object' ? s.items : {};
    const names = (branchesOf(item) ?? [item]).flatMap((x) => Object.keys(x.properties ?? {}));
    return names.length ? `a list (${[...new Set(names)].join(' / ')})` : 'a list';
  }
  if (t === 'object') return Object.keys(s.properties ?? {}).join(' + ') || 'a map';
  if (t === 'string') return s.pattern && s.pattern === ctx.keyPattern ? 'one text' : s.pattern === '^[a-z][a-z0-9_]*$' ? 'a step name' : 'text';
  return t ?? 'a value';
}

/**
 * When the kind switcher moves a value to another branch, keep what carries over: `next: thanks`
 * becomes `next: [{ goto: thanks }]`, and a one-entry list becomes its target again.
 */
function carryOver(b: JsonSchema, prev: unknown, ctx: FormContext): unknown {
  const s = resolve(b, ctx);
  const t = types(s)[0];
  if (t === 'array' && typeof prev === 'string' && typeof s.items === 'object') {
    const one = (branchesOf(s.items) ?? [s.items]).find((x) => x.required?.length === 1 && types(x.properties?.[x.required[0]!] ?? {})[0] === 'string');
    if (one) return [{ [one.required![0]!]: prev }];
    if (types(s.items)[0] === 'string') return [prev];
  }
  if (t === 'string' && Array.isArray(prev)) {
    const last: unknown = prev[prev.length - 1];
    if (typeof last === 'string') return last;
    if (isRecord(last)) {
      const str = Object.values(last).find((x) => typeof x === 'string');
      if (typeof str === 'string') return str;
    }
  }
  return emptyValue(s, ctx);
}

const scalarText = (v: unknown): string => JSON.stringify(v);

/** The form for a schema and the current value at `path`. Pure: data in, a tree of fields out. */
export function formFor(s: JsonSchema, value: unknown, ctx: FormContext, path: FieldPath, label: string, required: boolean): FormField {
  const base = { path, label, required };
  if (s.$ref || s.prefixItems || (types(s).length > 1 && !branchesOf(s))) return { ...base, kind: 'yaml', value: value === undefined ? '' : yamlLine(value) };
  const bs = branchesOf(s);
  if (bs) {
    // A union of plain values (`end: true | completed | stopped | handoff`) is one list to pick from.
    if (bs.every((b) => b.const !== undefined || b.enum)) {
      const values = bs.flatMap((b) => (b.const !== undefined ? [b.const] : (b.enum ?? [])));
      return { ...base, kind: 'select', value: value === undefined ? undefined : scalarText(value), options: values.map((v) => ({ value: scalarText(v), label: String(v) })) };
    }
    const options = bs.map((b) => ({ label: branchLabel(b, ctx), value: carryOver(b, value, ctx) }));
    const selected = value === undefined ? -1 : bs.findIndex((b) => fits(b, value, ctx));
    const branch = selected >= 0 ? bs[selected] : undefined;
    return { ...base, kind: 'switch', selected, options, field: branch ? formFor(branch, value, ctx, path, label, required) : undefined };
  }
  if (s.enum) return { ...base, kind: 'select', value: value === undefined ? undefined : scalarText(value), options: s.enum.map((v) => ({ value: scalarText(v), label: String(v) })) };
  const t = types(s)[0];
  switch (t) {
    case 'string':
      return { ...base, kind: 'text', value: typeof value === 'string' ? value : value === undefined ? '' : String(value), i18nKey: s.pattern !== undefined && s.pattern === ctx.keyPattern };
    case 'number':
    case 'integer':
      return { ...base, kind: 'number', value: typeof value === 'number' ? value : undefined, integer: t === 'integer' };
    case 'boolean':
      return { ...base, kind: 'checkbox', value: value === true || (value === undefined && s.default === true) };
    case 'array': {
      if (typeof s.items !== 'object') return { ...base, kind: 'yaml', value: value === undefined ? '' : yamlLine(value) };
      const item = s.items;
      const list = Array.isArray(value) ? value : [];
      const itemLabel = label.replace(/s$/, '');
      return {
        ...base,
        kind: 'list',
        itemLabel,
        addValue: emptyValue(item, ctx),
        items: list.map((v, i) => formFor(item, v, ctx, [...path, i], `${itemLabel} ${i + 1}`, true)),
      };
    }
    case 'object': {
      if (!s.properties) return { ...base, kind: 'yaml', value: value === undefined ? '' : yamlLine(value) };
      const obj = isRecord(value) ? value : {};
      const req = new Set(s.required ?? []);
      return {
        ...base,
        kind: 'group',
        present: isRecord(value),
        fields: Object.entries(s.properties).map(([k, ps]) => formFor(ps, obj[k], ctx, [...path, k], k, req.has(k))),
      };
    }
    default:
      return { ...base, kind: 'yaml', value: value === undefined ? '' : yamlLine(value) };
  }
}

/** A value as one line of YAML flow text, e.g. `{ equals: [consent, true] }` (JSON is valid YAML). */
export function yamlLine(v: unknown): string {
  if (typeof v === 'string') return /^[a-zA-Z_][\w.-]*$/.test(v) && !/^(true|false|null|yes|no|on|off)$/i.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(yamlLine).join(', ')}]`;
  if (isRecord(v)) return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${yamlLine(x)}`).join(', ')} }`;
  return String(v);
}

/** The form of one step: its kind's schema, the step's value, at `steps.<id>` in the file. */
export function stepForm(schema: JsonSchema, stepId: string, value: Record<string, unknown>, keyPattern: string): FormField {
  return formFor(schema, value, { defs: schema.$defs ?? {}, keyPattern }, ['steps', stepId], stepId, true);
}

/** The form of the flow's own fields (id, description, start, fallback, summary…); its steps have their own forms. */
export function headerForm(schema: JsonSchema, value: Record<string, unknown>, keyPattern: string): FormField {
  const form = formFor(schema, value, { defs: schema.$defs ?? {}, keyPattern }, [], 'flow', true);
  return form.kind === 'group' ? { ...form, fields: form.fields.filter((f) => f.label !== 'steps') } : form;
}
