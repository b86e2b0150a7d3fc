import { z } from 'zod';
import type { ActionRegistry } from '../engine/actions.ts';
import { PERSONAL_TYPES } from './answers.ts';
import { checkSharedWords, type LocaleTrees } from './checkSharedWords.ts';
import type { Locator, PathKey } from './parseFlowFile.ts';
import type { Problem } from './problem.ts';
import type { Flow, Next, Step } from './schema.ts';

export interface CheckInput {
  flows: ReadonlyMap<string, { flow: Flow; locator: Locator }>;
  actions: ActionRegistry;
  /** Flat key sets per shipped locale, e.g. `{ en: Set{'welcome.greeting', ...} }`. */
  locales: Record<string, Set<string>>;
  /** Keys the engine and commands use, located in their own files. */
  extraKeys?: Array<{ key: string; locator: Locator; path: PathKey[] }>;
  /** The locale texts themselves, for checks of what options say (shared synonyms). */
  trees?: LocaleTrees;
}

interface Edge {
  to: string;
  path: PathKey[];
}

function nextEdges(next: Next | undefined, base: PathKey[]): Edge[] {
  if (next === undefined) return [];
  if (typeof next === 'string') return [{ to: next, path: [...base, 'next'] }];
  return next.map((n, i) => ({ to: n.goto, path: [...base, 'next', i, 'goto'] }));
}

/** Where a step can go (`implicit` is the following step when no `next` is given). */
export function edgesOf(step: Step, id: string, following: string | undefined, fallback: string | undefined): Edge[] {
  const base: PathKey[] = ['steps', id];
  const implicit = (): Edge[] =>
    'next' in step && step.next !== undefined ? nextEdges(step.next, base) : following ? [{ to: following, path: base }] : [];
  switch (step.kind) {
    case 'say':
    case 'use':
      return implicit();
    case 'ask': {
      const fb = step.fallback ?? fallback;
      return [...implicit(), ...(fb ? [{ to: fb, path: [...base, step.fallback ? 'fallback' : 'ask'] }] : [])];
    }
    case 'call':
      return [...implicit(), ...(step.onError ? [{ to: step.onError, path: [...base, 'onError'] }] : [])];
    case 'branch':
      return step.branch.map((b, i) => ('if' in b ? { to: b.goto, path: [...base, 'branch', i, 'goto'] } : { to: b.else, path: [...base, 'branch', i, 'else'] }));
    case 'goto':
      return [{ to: step.goto, path: [...base, 'goto'] }];
    case 'end':
      return [];
    default: {
      const never: never = step;
      return never;
    }
  }
}

/** i18n keys a step shows, with where they are written. */
export function keysOf(step: Step, id: string): Array<{ key: string; path: PathKey[] }> {
  const base: PathKey[] = ['steps', id];
  const out: Array<{ key: string; path: PathKey[] }> = [];
  const add = (key: string | undefined, ...p: PathKey[]) => key && out.push({ key, path: [...base, ...p] });
  if (step.kind === 'say' || (step.kind === 'end' && step.say)) {
    const says = [step.say!].flat();
    says.forEach((k, i) => add(k, 'say', ...(says.length > 1 ? [i] : [])));
  }
  if (step.kind === 'say' && step.card) {
    add(step.card.title, 'card', 'title');
    add(step.card.text, 'card', 'text');
    step.card.facts.forEach((f, i) => add(f.label, 'card', 'facts', i, 'label'));
  }
  if (step.kind === 'ask') {
    add(step.question, 'question');
    add(step.hint, 'hint');
    add(step.help, 'help');
    step.choices?.forEach((c, i) => {
      add(c.label, 'choices', i, 'label');
      add(c.synonyms, 'choices', i, 'synonyms');
    });
  }
  return out;
}

/** Every structural, action and wording problem across the flows. Pure. */
export function checkFlows(input: CheckInput): Problem[] {
  const problems: Problem[] = [];
  const usedKeys = new Set<string>();
  const localeNames = Object.keys(input.locales);

  const missingKey = (key: string, loc: Locator, path: PathKey[]) => {
    usedKeys.add(key);
    for (const lng of localeNames) {
      if (!input.locales[lng]!.has(key)) problems.push(loc.problem(path, 'i18n_missing', `key "${key}" is missing from locale ${lng}`));
    }
  };

  for (const { flow, locator: loc } of input.flows.values()) {
    const ids = new Set(flow.order);
    const edges = new Map<string, Edge[]>();
    if (!ids.has(flow.start)) problems.push(loc.problem(['start'], 'unknown_step', `start step "${flow.start}" does not exist`));
    if (flow.fallback && !ids.has(flow.fallback)) problems.push(loc.problem(['fallback'], 'unknown_step', `fallback step "${flow.fallback}" does not exist`));

    flow.order.forEach((id, i) => {
      const step = flow.steps.get(id)!;
      const base: PathKey[] = ['steps', id];
      if (id.includes('__')) problems.push(loc.problem(base, 'schema', 'step ids may not contain "__" (reserved)'));
      const following = flow.order[i + 1];
      const es = edgesOf(step, id, following, flow.fallback);
      edges.set(id, es);
      for (const e of es) if (!ids.has(e.to)) problems.push(loc.problem(e.path, 'unknown_step', `step "${e.to}" does not exist in flow ${flow.id}`));

      const hasNext = 'next' in step && step.next !== undefined;
      if (['say', 'ask', 'call', 'use'].includes(step.kind) && !hasNext && !following) {
        problems.push(loc.problem(base, 'no_next', 'the last step must be an end, a goto or a branch, or say where to go next'));
      }
      if (hasNext && Array.isArray((step as { next: Next }).next)) {
        const list = (step as { next: Exclude<Next, string> }).next;
        if ('if' in list[list.length - 1]!) problems.push(loc.problem([...base, 'next'], 'no_default', 'the last choice in next needs a goto without if'));
      }
      if (step.kind === 'branch' && !('else' in step.branch[step.branch.length - 1]!)) {
        problems.push(loc.problem([...base, 'branch'], 'no_default', 'a branch must end with an else'));
      }
      if (step.kind === 'use') {
        const sub = input.flows.get(step.use);
        if (!sub) problems.push(loc.problem([...base, 'use'], 'unknown_flow', `flow "${step.use}" does not exist`));
        else if (!sub.flow.subflow) problems.push(loc.problem([...base, 'use'], 'not_subflow', `flow "${step.use}" is not marked subflow: true`));
        else if (step.use === flow.id) problems.push(loc.problem([...base, 'use'], 'use_cycle', 'a flow cannot use itself'));
      }
      if (step.kind === 'call') checkCall(step, base, loc, input.actions, problems);
      for (const k of keysOf(step, id)) missingKey(k.key, loc, k.path);
    });
    if (input.trees) problems.push(...checkSharedWords(flow, loc, input.trees));

    // The adviser summary and the safety profile name answers or results this flow (or one it uses) keeps.
    const kept = namesKept(flow.id, input.flows);
    const named: Array<[PathKey[], string]> = [
      ...Object.entries(flow.summary).map(([label, p]): [PathKey[], string] => [['summary', label], p]),
      ...Object.entries(flow.profile).flatMap(([k, p]): Array<[PathKey[], string]> => (p ? [[['profile', k], p]] : [])),
    ];
    for (const [at, p] of named) {
      const root = p.split('.')[0]!;
      if (!kept.has(root)) problems.push(loc.problem(at, 'unknown_answer', `"${root}" is not an answer or result of flow ${flow.id} (known: ${[...kept].sort().join(', ') || 'none'})`));
    }

    // Reachability from the start, and whether an end can be reached from each step.
    const reached = new Set<string>();
    const stack = ids.has(flow.start) ? [flow.start] : [];
    while (stack.length) {
      const s = stack.pop()!;
      if (reached.has(s) || !ids.has(s)) continue;
      reached.add(s);
      for (const e of edges.get(s) ?? []) stack.push(e.to);
    }
    for (const id of flow.order) if (!reached.has(id)) problems.push(loc.problem(['steps', id], 'unreachable', `step "${id}" can never be reached from "${flow.start}"`));

    const canEnd = new Set(flow.order.filter((id) => flow.steps.get(id)!.kind === 'end'));
    for (let changed = true; changed; ) {
      changed = false;
      for (const id of flow.order) {
        if (canEnd.has(id)) continue;
        if ((edges.get(id) ?? []).some((e) => canEnd.has(e.to))) {
          canEnd.add(id);
          changed = true;
        }
      }
    }
    for (const id of flow.order) {
      if (reached.has(id) && !canEnd.has(id)) problems.push(loc.problem(['steps', id], 'no_end', `no end can be reached from step "${id}"`));
    }

    // Consent first: in a flow that asks for consent, no personal question may come before it.
    const isConsent = (id: string) => {
      const s = flow.steps.get(id);
      return s?.kind === 'ask' && s.sets === 'consent';
    };
    if (flow.order.some(isConsent)) {
      const before = new Set<string>();
      const todo = ids.has(flow.start) ? [flow.start] : [];
      while (todo.length) {
        const s = todo.pop()!;
        if (before.has(s) || !ids.has(s)) continue;
        before.add(s);
        if (isConsent(s)) continue;
        for (const e of edges.get(s) ?? []) todo.push(e.to);
      }
      for (const id of before) {
        const s = flow.steps.get(id)!;
        const personal = (s.kind === 'ask' && PERSONAL_TYPES.has(s.type)) || s.kind === 'use';
        if (personal) problems.push(loc.problem(['steps', id], 'before_consent', `step "${id}" can collect personal data before consent is given`));
      }
    }
  }

  for (const x of input.extraKeys ?? []) missingKey(x.key, x.locator, x.path);

  // Unused wording: keys under a namespace the flows use, that nothing uses.
  const namespaces = new Set([...usedKeys].map((k) => k.split('.')[0]!));
  const first = input.flows.values().next().value;
  if (first && localeNames.includes('en')) {
    for (const key of input.locales.en!) {
      // Plural forms and context variants (key_one, key_found) count as uses of their key.
      const plain = key.replace(/_[a-zA-Z]+$/, '');
      if (namespaces.has(key.split('.')[0]!) && !usedKeys.has(key) && !usedKeys.has(plain)) {
        problems.push({ severity: 'warning', code: 'i18n_unused', file: `locales/en`, line: 1, col: 1, path: key, message: `key "${key}" is not used by any flow` });
      }
    }
  }
  return problems;
}

function checkCall(step: Step & { kind: 'call' }, base: PathKey[], loc: Locator, actions: ActionRegistry, problems: Problem[]): void {
  const action = actions.get(step.call);
  if (!action) {
    problems.push(loc.problem([...base, 'call'], 'unknown_action', `no action named "${step.call}" (known: ${actions.names().join(', ') || 'none'})`));
    return;
  }
  const shape = action.params.shape as Record<string, z.ZodType>;
  const given = step.params ?? {};
  for (const [name, value] of Object.entries(given)) {
    const field = shape[name];
    if (!field) {
      problems.push(loc.problem([...base, 'params', name], 'bad_params', `action ${step.call} has no parameter "${name}" (it takes: ${Object.keys(shape).join(', ') || 'none'})`));
      continue;
    }
    if (typeof value === 'string' && value.startsWith('$')) continue; // read from answers at run time
    const r = field.safeParse(value);
    if (!r.success) problems.push(loc.problem([...base, 'params', name], 'bad_params', `parameter "${name}" of ${step.call}: ${r.error.issues[0]?.message ?? 'invalid'}`));
  }
  for (const [name, field] of Object.entries(shape)) {
    if (!(name in given) && !field.safeParse(undefined).success) {
      problems.push(loc.problem([...base, 'params'], 'bad_params', `action ${step.call} needs parameter "${name}"`));
    }
  }
}

/** Answer and result names a flow keeps, its sub-flows' included. */
function namesKept(id: string, flows: CheckInput['flows'], seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(id)) return out;
  seen.add(id);
  for (const step of flows.get(id)?.flow.steps.values() ?? []) {
    if (step.kind === 'ask') out.add(step.ask);
    if (step.kind === 'call' && step.result) out.add(step.result);
    if (step.kind === 'use') for (const n of namesKept(step.use, flows, seen)) out.add(n);
  }
  return out;
}
