import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import pino from 'pino';
import { ActionRegistry, defineAction, type DomainAction } from '../engine/actions.ts';
import { createEngine } from '../engine/createEngine.ts';
import type { Reply } from '../engine/reply.ts';
import { makeActionRunner } from '../engine/runAction.ts';
import { findConversationState } from '../store/conversationSnapshots.ts';
import type { Db } from '../store/db.ts';
import { loadFlowSetFromFiles, type FlowSet } from './catalog.ts';
import { readFlowFiles, type FlowFiles } from './flowFiles.ts';
import type { FlowSource } from './flowSource.ts';
import { formatProblem } from './problem.ts';

/**
 * Scripted conversations a coordinator writes beside the flows (flows/tests/*.test.yaml):
 * what the resident says or clicks, and what the bot must answer.
 */
const expectation = z.union([z.string(), z.array(z.string()).min(1)]);
export const flowTestStepSchema = z.union([
  z.strictObject({ send: z.string() }),
  z.strictObject({ click: z.string() }),
  z.strictObject({
    expect: expectation,
    choices: z.array(z.string()).optional(),
    dir: z.enum(['ltr', 'rtl']).optional(),
  }),
  z.strictObject({ state: z.string() }),
  z.strictObject({ called: z.record(z.string(), z.record(z.string(), z.unknown())) }),
  z.strictObject({ answers: z.record(z.string(), z.unknown()) }),
]);
export const flowTestSchema = z.strictObject({
  name: z.string(),
  locale: z.string().default('en'),
  /** Domain actions replaced by in-memory fakes: name → the result they return. */
  fakes: z.record(z.string(), z.strictObject({ result: z.unknown(), fails: z.boolean().default(false) })).default({}),
  steps: z.array(flowTestStepSchema).min(1),
});
export type FlowTest = z.infer<typeof flowTestSchema>;

export interface FlowTestOptions {
  db: Db;
  /** Programme data (course and partner names) is read from here. */
  flowsDir: string;
  /** The flows and wording come from `files` when given (a release or a draft), else from the two folders. */
  localesDir: string;
  files?: FlowFiles;
  /** The real actions (their schemas are kept; fakes replace only `run`). */
  actions: DomainAction[];
  /** The flow a conversation starts (START_FLOW; default `main`). */
  startFlow?: string | undefined;
}

export class FlowTestFailure extends Error {
  readonly code = 'flow_test_failed';
}

export async function readFlowTest(file: string): Promise<FlowTest> {
  return parseFlowTest(file, await readFile(file, 'utf8'));
}

/** A flow test from its text (`file` names it in the failure). */
export function parseFlowTest(file: string, text: string): FlowTest {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new FlowTestFailure(`${file}: ${(err as Error).message}`);
  }
  const r = flowTestSchema.safeParse(raw);
  if (!r.success) throw new FlowTestFailure(`${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** A source that is always the one set (a flow test never runs an older version). */
function fixedSource(set: FlowSet): FlowSource {
  return { current: set, get: async (id, version) => (set.flows.get(id)?.version === version ? set.flows.get(id) : undefined) };
}

/** The parts of a stored XState snapshot a flow test looks at. */
const storedSnapshotSchema = z
  .object({ value: z.unknown(), context: z.object({ data: z.record(z.string(), z.unknown()).default({}) }) })
  .nullish();

const replyText = (r: Reply): string => ('text' in r ? r.text : r.type === 'card' ? r.card.fallback : '');

/** Runs one scripted conversation through the real engine; throws FlowTestFailure at the first mismatch. */
export async function runFlowTest(test: FlowTest, opts: FlowTestOptions): Promise<{ turns: number }> {
  const calls: Array<{ name: string; params: Record<string, unknown> }> = [];
  const registry = new ActionRegistry();
  for (const a of opts.actions) {
    const fake = test.fakes[a.name];
    registry.register(
      defineAction({
        ...a,
        // A fake declares only the fields the flow reads; its parameters are still checked.
        result: z.unknown(),
        run: async (params) => {
          calls.push({ name: a.name, params: params as Record<string, unknown> });
          if (!fake) throw new Error(`action ${a.name} has no fake in this test`);
          if (fake.fails) throw new Error(`fake ${a.name} fails`);
          return fake.result as never;
        },
      }),
    );
  }
  const logger = pino({ level: 'silent' });
  const files = opts.files ?? (await readFlowFiles(opts.flowsDir, opts.localesDir));
  const loaded = await loadFlowSetFromFiles(files, { flowsDir: opts.flowsDir, actions: registry });
  if (!loaded.ok) throw new FlowTestFailure(`flows do not load:\n${loaded.problems.map(formatProblem).join('\n')}`);
  const engine = createEngine({ db: opts.db, catalog: fixedSource(loaded.set), logger, runAction: makeActionRunner(registry, 2000, logger), ...(opts.startFlow ? { startFlow: opts.startFlow } : {}) });
  const t = (key: string) => String(loaded.set.translator.t(locale)(key));
  let locale = test.locale;
  const conversationId = `flowtest-${Math.random().toString(36).slice(2)}`;
  let last: Reply[] = [];
  let n = 0;
  const fail = (i: number, msg: string): never => {
    throw new FlowTestFailure(`${test.name}, step ${i + 1}: ${msg}\n  bot said: ${last.map(replyText).join(' | ') || '(nothing)'}`);
  };
  for (const [i, step] of test.steps.entries()) {
    if ('send' in step || 'click' in step) {
      const out = await engine.handleTurn({
        conversationId,
        channel: 'test',
        activityId: `t${++n}`,
        user: { id: 'flow-test' },
        ...('send' in step ? { text: step.send } : { value: step.click }),
        locale: test.locale,
        receivedAt: new Date(),
      });
      last = out.replies;
      const l = last.find((r) => 'locale' in r);
      if (l && 'locale' in l) locale = l.locale;
    } else if ('expect' in step) {
      const texts = last.map(replyText);
      for (const e of [step.expect].flat()) {
        const re = /^\/(.*)\/$/.exec(e);
        const ok = re ? texts.some((x) => new RegExp(re[1]!, 'u').test(x)) : texts.some((x) => wordingMatches(x, t(e)));
        if (!ok) fail(i, `expected ${re ? `text matching ${e}` : `"${e}" ("${t(e)}")`}`);
      }
      if (step.choices) {
        const offered = last.flatMap((r) => (r.type === 'choices' ? r.choices.map((c) => c.value) : []));
        if (JSON.stringify(offered) !== JSON.stringify(step.choices)) fail(i, `expected choices ${step.choices.join(', ')}, got ${offered.join(', ') || 'none'}`);
      }
      if (step.dir && !last.every((r) => !('dir' in r) || r.dir === step.dir)) fail(i, `expected every reply ${step.dir}`);
    } else if ('state' in step || 'answers' in step) {
      const stored = await findConversationState(opts.db, conversationId);
      const snap = storedSnapshotSchema.parse(stored?.snapshot);
      if ('state' in step) {
        const value = stored?.status === 'ended' ? 'ended' : JSON.stringify(snap?.value ?? null);
        if (!value.includes(`"${step.state}"`) && value !== step.state) fail(i, `expected state ${step.state}, got ${value}`);
      } else {
        for (const [k, v] of Object.entries(step.answers)) {
          if (JSON.stringify(snap?.context.data[k]) !== JSON.stringify(v)) fail(i, `expected answer ${k} = ${JSON.stringify(v)}, got ${JSON.stringify(snap?.context.data[k])}`);
        }
      }
    } else {
      for (const [name, params] of Object.entries(step.called)) {
        const hit = calls.find((c) => c.name === name && Object.entries(params).every(([k, v]) => JSON.stringify(c.params[k]) === JSON.stringify(v)));
        if (!hit) fail(i, `expected a call to ${name} with ${JSON.stringify(params)}; calls: ${JSON.stringify(calls)}`);
      }
    }
  }
  return { turns: n };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a reply holds an expected key's wording. The wording is rendered without the turn's
 * values, so each `{{placeholder}}` left in it stands for any text ("Your booking number is
 * {{booking.bookingId}}." matches "Your booking number is 7.").
 */
export function wordingMatches(reply: string, wording: string): boolean {
  if (!wording.includes('{{')) return reply.includes(wording);
  const pattern = wording.split(/\{\{[^}]*\}\}/).map(escapeRegExp).join('.+?');
  return new RegExp(pattern, 'su').test(reply);
}
