/**
 * The compiled machine is pure: a `call` step is an intent the engine answers with an event.
 * These run a flow step by step with no database and no action runner at all.
 */
import { describe, expect, it } from 'vitest';
import { FlowRun } from '../../src/engine/flowRun.ts';
import { compileFlow } from '../../src/flows/compile.ts';
import { parseFlowFile } from '../../src/flows/parseFlowFile.ts';

const FLOW = `id: main
steps:
  postcode:
    ask: postcode
    type: text
    question: k.postcode
  check:
    call: checkEligibility
    params: { postcode: $postcode, programme: i-can }
    result: eligibility
    onError: sorry
    next:
      - if: { equals: [eligibility.eligible, true] }
        goto: yes
      - goto: no
  yes:
    say: k.yes
    params: { name: $eligibility.name }
    next: done
  no:
    say: k.no
    next: done
  sorry:
    say: k.sorry
    next: done
  done:
    end: true
`;

function compiled(text: string) {
  const parsed = parseFlowFile('flows/main.flow.yaml', text);
  if (!parsed.flow) throw new Error(JSON.stringify(parsed.problems));
  return compileFlow(parsed.flow, 'v1', { flows: new Map([['main', parsed.flow]]) });
}

describe('a flow as a pure machine', () => {
  it('asks, then emits the action as an intent with resolved parameters and waits for its result', () => {
    const run = new FlowRun(compiled(FLOW), undefined);
    expect(run.start()).toEqual([{ type: 'ask', path: 'postcode' }]);
    expect(run.send({ type: 'ANSWER', value: 'B5 7RN' })).toEqual([{ type: 'call', action: 'checkEligibility', params: { postcode: 'B5 7RN', programme: 'i-can' } }]);
    expect(run.snapshot.hasTag('awaitingAction')).toBe(true);
    const intents = run.send({ type: 'action.done', output: { eligible: true, name: 'I Can' } });
    expect(intents).toEqual([
      { type: 'say', keys: ['k.yes'], params: { name: '$eligibility.name' }, card: undefined },
      { type: 'end', how: 'completed' },
    ]);
    expect(run.data).toMatchObject({ postcode: 'B5 7RN', eligibility: { eligible: true, name: 'I Can' } });
    expect(run.snapshot.status).toBe('done');
  });

  it('goes to the onError step when the action did not happen', () => {
    const run = new FlowRun(compiled(FLOW), undefined);
    run.start();
    run.send({ type: 'ANSWER', value: 'B5 7RN' });
    expect(run.send({ type: 'action.failed', code: 'action_timeout' }).map((i) => i.type)).toEqual(['say', 'end']);
    expect(run.data).not.toHaveProperty('eligibility');
  });

  it('without onError it stops in the failure state the engine turns into "did not go through"', () => {
    const run = new FlowRun(compiled(FLOW.replace('    onError: sorry\n', '')), undefined);
    run.start();
    run.send({ type: 'ANSWER', value: 'B5 7RN' });
    expect(run.send({ type: 'action.failed', code: 'action_failed' })).toEqual([]);
    expect(run.snapshot.hasTag('actionFailed')).toBe(true);
  });

  it('restores from a persisted snapshot and carries on where it waited', () => {
    const first = new FlowRun(compiled(FLOW), undefined);
    first.start();
    const stored = first.persisted();
    first.stop();
    const again = new FlowRun(compiled(FLOW), stored);
    expect(again.start({ type: 'ANSWER', value: 'B1 1AA' })).toEqual([{ type: 'call', action: 'checkEligibility', params: { postcode: 'B1 1AA', programme: 'i-can' } }]);
  });
});
