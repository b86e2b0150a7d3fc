import fc from 'fast-check';
import { createActor } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ActionRegistry, defineAction } from '../../src/engine/actions.ts';
import { parseUkDate, parseUkPhone, readAnswer } from '../../src/flows/answers.ts';
import { checkFlows } from '../../src/flows/check.ts';
import { compileFlow } from '../../src/flows/compile.ts';
import { evaluate } from '../../src/flows/conditions.ts';
import { parseFlowFile } from '../../src/flows/parseFlowFile.ts';
import type { AskStep } from '../../src/flows/schema.ts';

const actions = new ActionRegistry().register(
  defineAction({ name: 'lookup', description: 'x', params: z.object({ q: z.string(), n: z.number().optional() }), result: z.object({}), run: async () => ({}) }),
);
const keys = new Set(['k.a', 'k.b', 'k.c']);

function check(text: string) {
  const parsed = parseFlowFile('flows/t.flow.yaml', text);
  if (!parsed.flow) return parsed.problems;
  return checkFlows({ flows: new Map([[parsed.flow.id, { flow: parsed.flow, locator: parsed.locator }]]), actions, locales: { en: keys, ur: new Set(['k.a', 'k.b']) } });
}
const brief = (ps: ReturnType<typeof check>) => ps.filter((p) => p.severity === 'error').map((p) => `${p.line}:${p.col} ${p.code} ${p.path}`);

describe('flow checker', () => {
  it('accepts a good flow', () => {
    expect(brief(check('id: t\nsteps:\n  a:\n    say: k.a\n  b:\n    end: true\n'))).toEqual([]);
  });

  it('reports schema errors with line, column and path', () => {
    expect(brief(check('id: t\nsteps:\n  a:\n    say: k.a\n    colour: red\n  b:\n    end: true\n'))).toEqual(['4:5 schema steps.a']);
    expect(brief(check('id: t\nsteps:\n  a:\n    ask: x\n    type: choice\n    question: k.a\n  b:\n    end: true\n'))).toEqual(['4:5 schema steps.a.choices']);
  });

  it('reports unknown targets where they are written', () => {
    expect(brief(check('id: t\nsteps:\n  a:\n    say: k.a\n    next: nowhere\n  b:\n    end: true\n'))).toEqual(['5:11 unknown_step steps.a.next', '7:5 unreachable steps.b', '4:5 no_end steps.a']);
  });

  it('reports steps from which no end can be reached', () => {
    expect(brief(check('id: t\nsteps:\n  a:\n    say: k.a\n  b:\n    goto: a\n'))).toEqual(['4:5 no_end steps.a', '6:5 no_end steps.b']);
  });

  it('rejects unknown actions and bad parameters (never a silent no-op)', () => {
    expect(brief(check('id: t\nsteps:\n  a:\n    call: launchRocket\n  b:\n    end: true\n'))).toEqual(['4:11 unknown_action steps.a.call']);
    expect(brief(check('id: t\nsteps:\n  a:\n    call: lookup\n    params: { q: 3, z: 1 }\n  b:\n    end: true\n'))).toEqual(['5:18 bad_params steps.a.params.q', '5:24 bad_params steps.a.params.z']);
    expect(brief(check('id: t\nsteps:\n  a:\n    call: lookup\n  b:\n    end: true\n'))).toEqual(['4:5 bad_params steps.a.params']);
  });

  it('refuses an adviser summary or safety profile naming an answer the flow never keeps', () => {
    const flow = (summary: string) => `id: t\n${summary}steps:\n  a:\n    ask: age\n    type: number\n    question: k.a\n  r:\n    call: lookup\n    params: { q: x }\n    result: found\n  b:\n    end: true\n`;
    expect(brief(check(flow('summary:\n  Age: age\n  Found: found.name\nprofile:\n  age: age\n')))).toEqual([]);
    expect(brief(check(flow('summary:\n  Postcode: postcode\nprofile:\n  age: age_band\n')))).toEqual(['3:13 unknown_answer summary.Postcode', '5:8 unknown_answer profile.age']);
  });

  it('reports wording missing from any shipped language', () => {
    expect(brief(check('id: t\nsteps:\n  a:\n    say: k.c\n  b:\n    end: true\n'))).toEqual(['4:10 i18n_missing steps.a.say']);
  });

  it('warns about unused wording', () => {
    const warnings = check('id: t\nsteps:\n  a:\n    say: k.a\n  b:\n    end: true\n').filter((p) => p.severity === 'warning');
    expect(warnings.map((w) => w.path)).toEqual(['k.b', 'k.c']);
  });

  it('refuses personal questions before consent', () => {
    const flow = 'id: t\nsteps:\n  pc:\n    ask: postcode\n    type: postcode\n    question: k.a\n  ok:\n    ask: consent\n    type: yesno\n    sets: consent\n    question: k.b\n  b:\n    end: true\n';
    expect(brief(check(flow))).toEqual(['4:5 before_consent steps.pc']);
  });

  it('needs a default at the end of a branch', () => {
    expect(brief(check('id: t\nsteps:\n  a:\n    branch:\n      - if: { isSet: x }\n        goto: b\n  b:\n    end: true\n'))).toEqual(['5:7 no_default steps.a.branch']);
  });
});

describe('answers', () => {
  const ask = (type: AskStep['type'], extra: Partial<AskStep> = {}): AskStep => ({ ask: 'x', type, question: 'k.a', ...extra }) as AskStep;
  it('reads UK dates and rejects impossible ones', () => {
    expect(parseUkDate('03/04/2005')).toBe('2005-04-03');
    expect(parseUkDate('3 April 2005')).toBe('2005-04-03');
    expect(parseUkDate('3rd Apr 2005')).toBe('2005-04-03');
    expect(parseUkDate('29/02/2023')).toBeUndefined();
    expect(parseUkDate('31 June 2005')).toBeUndefined();
  });
  it('reads UK phone numbers', () => {
    expect(parseUkPhone('+44 7700 900123')).toBe('07700900123');
    expect(parseUkPhone('0121 496 0000')).toBe('01214960000');
    expect(parseUkPhone('12345')).toBeUndefined();
  });
  it('gives a specific hint for each type', () => {
    expect(readAnswer(ask('postcode'), { text: 'B99' })).toEqual({ ok: false, hint: 'answers.hint.postcode' });
    expect(readAnswer(ask('postcode'), { text: 'b5 7rn' })).toEqual({ ok: true, value: 'B5 7RN' });
    expect(readAnswer(ask('number', { min: 16, max: 99 }), { text: '12' })).toMatchObject({ ok: false, hint: 'answers.hint.numberRange' });
    expect(readAnswer(ask('email'), { text: 'A@Example.com' })).toEqual({ ok: true, value: 'a@example.com' });
    expect(readAnswer(ask('text', { maxLength: 5 }), { text: 'too long' })).toMatchObject({ ok: false, hint: 'answers.hint.textLong' });
  });
  it('matches choices by button, label, synonym or number', () => {
    const step = ask('choice', { choices: [{ value: 'a', label: 'k.a' }, { value: 'b', label: 'k.b' }] });
    const choiceWords = [{ value: 'a', words: ['Administration', 'office'] }, { value: 'b', words: ['Facilities'] }];
    expect(readAnswer(step, { value: 'b' })).toEqual({ ok: true, value: 'b' });
    expect(readAnswer(step, { text: 'OFFICE', choiceWords })).toEqual({ ok: true, value: 'a' });
    expect(readAnswer(step, { text: '2', choiceWords })).toEqual({ ok: true, value: 'b' });
    expect(readAnswer(step, { text: 'admin', choiceWords })).toEqual({ ok: true, value: 'a' });
    expect(readAnswer(step, { text: 'zzz', choiceWords })).toMatchObject({ ok: false });
  });
  it('takes several picks from choices built from data', () => {
    const step = ask('choice', { choicesFrom: { list: 'm.fitting', value: 'id', label: 'role' }, multiple: true });
    const input = { optionValues: ['v1', 'v2', 'v3'], choiceWords: [{ value: 'v1', words: ['Porter'] }, { value: 'v2', words: ['Ward clerk'] }, { value: 'v3', words: ['Domestic'] }] };
    expect(readAnswer(step, { ...input, text: '1 and 3' })).toEqual({ ok: true, value: ['v1', 'v3'] });
    expect(readAnswer(step, { ...input, text: 'porter, 2' })).toEqual({ ok: true, value: ['v1', 'v2'] });
    expect(readAnswer(step, { ...input, value: '*' })).toEqual({ ok: true, value: ['v1', 'v2', 'v3'] });
    expect(readAnswer(step, { ...input, text: 'all of them' })).toEqual({ ok: true, value: ['v1', 'v2', 'v3'] });
    expect(readAnswer(step, { ...input, text: '1 and 9' })).toEqual({ ok: false, hint: 'answers.hint.multiple' });
  });
});

describe('conditions', () => {
  const data = { age: 20, council: 'E08000025', x: { y: true } };
  it.each([
    [{ equals: ['council', 'E08000025'] }, true],
    [{ in: ['council', ['E08000029']] }, false],
    [{ lt: ['age', 21] }, true],
    [{ gt: ['age', 21] }, false],
    [{ between: ['age', 16, 24] }, true],
    [{ isSet: 'x.y' }, true],
    [{ isSet: 'missing' }, false],
    [{ all: [{ isSet: 'age' }, { not: { equals: ['x.y', false] } }] }, true],
    [{ any: [{ gt: ['age', 99] }, { lt: ['age', 0] }] }, false],
  ] as const)('%j → %s', (c, expected) => {
    expect(evaluate(c as never, data)).toBe(expected);
  });
});

describe('generated flows', () => {
  // Random valid flows: a chain of say/ask/branch steps with forward jumps, ending in an end.
  const stepArb = fc.record({ kind: fc.constantFrom('say', 'ask', 'branch'), jump: fc.nat() });
  it('every state is reachable and every run ends or waits for input', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 12 }), fc.array(fc.constantFrom('yes', 'no', 'x'), { maxLength: 20 }), (specs, inputs) => {
        const n = specs.length;
        const lines = ['id: g', 'steps:'];
        specs.forEach((s, i) => {
          const forward = `s${Math.min(n, i + 1 + (s.jump % 3))}`;
          if (s.kind === 'say') lines.push(`  s${i}:`, '    say: k.a', `    next: s${i + 1}`);
          else if (s.kind === 'ask') lines.push(`  s${i}:`, `    ask: a${i}`, '    type: yesno', '    question: k.b', `    next: s${i + 1}`);
          else lines.push(`  s${i}:`, '    branch:', `      - if: { equals: [a0, true] }`, `        goto: ${forward}`, `      - else: s${i + 1}`);
        });
        lines.push(`  s${n}:`, '    end: true');
        const parsed = parseFlowFile('flows/g.flow.yaml', lines.join('\n'));
        expect(parsed.problems).toEqual([]);
        const problems = checkFlows({ flows: new Map([['g', { flow: parsed.flow!, locator: parsed.locator }]]), actions, locales: { en: keys } }).filter((p) => p.severity === 'error' && p.code !== 'unreachable');
        expect(problems).toEqual([]);
        const compiled = compileFlow(parsed.flow!, 'v', { flows: new Map() });
        const actor = createActor(compiled.machine).start();
        for (const input of inputs) {
          const s = actor.getSnapshot();
          if (s.status === 'done') break;
          expect(s.hasTag('awaitingInput')).toBe(true);
          actor.send(input === 'x' ? { type: 'INVALID', hint: 'h' } : { type: 'ANSWER', value: input === 'yes' });
        }
        const end = actor.getSnapshot();
        expect(end.status === 'done' || end.hasTag('awaitingInput')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
