import { distance } from 'fastest-levenshtein';
import { createActor } from 'xstate';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { FlowSet } from '../../flows/catalog.ts';
import type { CompiledFlow } from '../../flows/compile.ts';
import type { AskStep } from '../../flows/schema.ts';

const scalar = z.union([z.string().max(4000), z.number(), z.boolean(), z.null()]);

/** `POST /studio/api/preview`: where the preview starts, and the answers it starts with. */
export const startPreviewSchema = z.strictObject({
  flow: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a flow id such as main').optional(),
  /** An ask step's path (`age`, or `about.age` inside a `use:` step); omitted = from the greeting. */
  step: z.string().regex(/^[a-z][a-z0-9_.]*$/, 'a step name such as age').max(200).optional(),
  /** Answers by name; an action's result (such as `sessions`) may be an object, as the action returns it. */
  answers: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'an answer name such as age').max(100), z.union([scalar, z.array(z.union([scalar, z.record(z.string(), z.unknown())])).max(50), z.record(z.string(), z.unknown())]))
    .optional(),
  locale: z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, 'a language code such as en').optional(),
});
export type StartPreview = z.infer<typeof startPreviewSchema>;

/** The nearest name within a small edit distance, for "did you mean". */
export function nearest(name: string, among: Iterable<string>): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const c of among) {
    const d = distance(name, c);
    if (!best || d < best.d) best = { name: c, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

function unknownName(what: string, name: string, among: string[]): AppError {
  const suggestion = nearest(name, among);
  return new AppError('bad_request', `no ${what} named "${name}"${suggestion ? `: did you mean "${suggestion}"?` : ''}`, {
    detail: { ...(suggestion ? { suggestion } : {}), known: among },
  });
}

/** Whether a sample answer fits the question that would have stored it. */
function fits(ask: AskStep, value: unknown): boolean {
  const one = (v: unknown): boolean => {
    switch (ask.type) {
      case 'number':
        return typeof v === 'number' && (ask.min === undefined || v >= ask.min) && (ask.max === undefined || v <= ask.max);
      case 'yesno':
        return typeof v === 'boolean';
      case 'choice':
        return typeof v === 'string' && (!ask.choices || ask.choices.some((c) => c.value === v));
      case 'date':
        return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
      case 'text':
      case 'postcode':
      case 'email':
      case 'phone':
        return typeof v === 'string';
      default: {
        const never: never = ask.type;
        throw new Error(`unknown answer type ${String(never)}`);
      }
    }
  };
  if (ask.type === 'choice' && ask.multiple) return Array.isArray(value) && value.every(one);
  return one(value);
}

/** As a coordinator types a sample: one value for a several-answer question is a list of one; yes/no as words. */
function coerce(ask: AskStep, value: unknown): unknown {
  if (ask.type === 'choice' && ask.multiple && !Array.isArray(value)) return [value];
  if (ask.type === 'yesno' && (value === 'yes' || value === 'no')) return value === 'yes';
  return value;
}

function expected(ask: AskStep): string {
  if (ask.type === 'choice') return `${ask.multiple ? 'a list of ' : 'one of '}${ask.choices ? ask.choices.map((c) => c.value).join(', ') : 'the offered values'}`;
  return { number: 'a number', yesno: 'true or false', date: 'a date (YYYY-MM-DD)', text: 'text', postcode: 'text', email: 'text', phone: 'text' }[ask.type];
}

/** The flow a preview starts, checked against the draft: unknown names answer 400 with a suggestion. */
export function previewFlow(set: FlowSet, flowId: string): CompiledFlow {
  const flow = set.flows.get(flowId);
  if (!flow) throw unknownName('flow', flowId, [...set.flows.keys()].sort());
  return flow;
}

/**
 * A persisted snapshot of `flow` waiting at the ask step `step` with `answers` as its data, as
 * the engine stores one between turns. Answers are checked against the asks that store them
 * (type, choices, range); names no question or action result of the flow stores are refused.
 */
export function snapshotAt(
  flow: CompiledFlow,
  step: string,
  answers: Record<string, unknown>,
): { snapshot: unknown; ask: AskStep & { id: string }; data: Record<string, unknown> } {
  const ask = flow.asks.get(step);
  if (!ask) throw unknownName(`question (ask step) in flow ${flow.id}`, step, [...flow.asks.keys()].sort());
  const asksByName = new Map<string, AskStep>();
  for (const a of flow.asks.values()) asksByName.set(a.ask, a);
  const results = new Set<string>();
  const collect = (steps: Iterable<{ kind: string; result?: string }>) => {
    for (const s of steps) if (s.kind === 'call' && s.result) results.add(s.result);
  };
  collect(flow.flow.steps.values());
  const data: Record<string, unknown> = {};
  for (const [name, given] of Object.entries(answers)) {
    const asking = asksByName.get(name);
    data[name] = given;
    if (asking) {
      const value = coerce(asking, given);
      if (!fits(asking, value)) throw new AppError('bad_request', `answer "${name}" should be ${expected(asking)}`, { detail: { answer: name } });
      data[name] = value;
      continue;
    }
    if (!results.has(name)) throw unknownName('question or action result', name, [...asksByName.keys(), ...results].sort());
  }
  const value = step.split('.').reduceRight<unknown>((inner, key) => (inner === undefined ? key : { [key]: inner }), undefined);
  const resolved = flow.machine.resolveState({ value: value as never, context: { data, tries: 0 } });
  return { snapshot: createActor(flow.machine, { snapshot: resolved }).getPersistedSnapshot(), ask, data };
}
