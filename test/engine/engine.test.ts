import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/engine/reply.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/testDb.ts';
import { controllableAction, engineOn, flowDir } from '../helpers/flowDir.ts';

const FLOW_V1 = `id: main
steps:
  name:
    ask: name
    type: text
    question: about.ageQuestion
  check:
    call: lookup
    params: { q: $name }
    result: lookup
    next:
      - if: { equals: [lookup.found, true] }
        goto: found
      - goto: colour
  found:
    say: about.thanks
  colour:
    ask: colour
    type: text
    question: about.workQuestion
  done:
    end: true
    say: journey.goodbye
`;

const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type));

describe('engine turns', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('runs a conversation and restores it from the database on every turn', async () => {
    const dirs = flowDir({ 'main.flow.yaml': FLOW_V1 });
    const { ctl, action } = controllableAction();
    const a = await engineOn(t.db, dirs, [action]);
    expect(texts((await a.send('c-basic', 'hi')).replies)).toEqual(['How old are you?']);
    // A new engine on the same database is a restarted process: the conversation continues.
    const b = await engineOn(t.db, dirs, [action]);
    expect(texts((await b.send('c-basic', 'yes')).replies)).toEqual(['Thank you. That helps me find what fits you.', 'What are you doing at the moment?']);
    expect(ctl.calls).toEqual([{ q: 'yes' }]);
    expect(texts((await b.send('c-basic', 'blue')).replies)).toEqual(['Thank you for talking to me. Say hello at any time to come back.']);
  });

  it('answers a repeated activity id with the first replies and runs nothing again', async () => {
    const { ctl, action } = controllableAction();
    const e = await engineOn(t.db, flowDir({ 'main.flow.yaml': FLOW_V1 }), [action]);
    await e.send('c-dup', 'hi');
    const first = await e.send('c-dup', 'yes', undefined, 'same-id');
    const again = await e.send('c-dup', 'yes', undefined, 'same-id');
    expect(again.duplicate).toBe(true);
    expect(again.replies).toEqual(first.replies);
    expect(ctl.calls).toHaveLength(1);
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = 'c-dup' AND direction = 'in'`);
    expect(rows[0]!.n).toBe(2);
  });

  it('keeps the state and apologises when an action throws, losing nothing typed', async () => {
    const { ctl, action } = controllableAction();
    const e = await engineOn(t.db, flowDir({ 'main.flow.yaml': FLOW_V1 }), [action]);
    await e.send('c-fail', 'hi');
    ctl.fail = true;
    const out = await e.send('c-fail', 'yes');
    expect(texts(out.replies)).toEqual(['Sorry, that did not go through on our side, so nothing was changed. Please try again in a moment.', 'How old are you?']);
    const { rows } = await t.db.query<{ body: { text?: string } }>(`SELECT body FROM messages WHERE conversation_id = 'c-fail' AND direction = 'in' ORDER BY seq`);
    expect(rows.map((r) => r.body.text)).toEqual(['hi', 'yes']);
    ctl.fail = false;
    expect(texts((await e.send('c-fail', 'yes')).replies)[0]).toBe('Thank you. That helps me find what fits you.');
  });

  it('serialises concurrent turns of one conversation', async () => {
    const { ctl, action } = controllableAction();
    ctl.delayMs = 50;
    const dirs = flowDir({ 'main.flow.yaml': FLOW_V1 });
    const e1 = await engineOn(t.db, dirs, [action]);
    // On PostgreSQL the second engine uses its own pool: a second server process.
    const e2 = TEST_DATABASE_URL ? await engineOn(await t.another(), dirs, [action]) : e1;
    await e1.send('c-race', 'hi');
    const [x, y] = await Promise.all([e1.send('c-race', 'no'), e2.send('c-race', 'green')]);
    // One turn answered the name question (and called the action), the other answered the next question.
    expect(ctl.calls).toHaveLength(1);
    const all = [...texts(x.replies), ...texts(y.replies)];
    expect(all).toContain('What are you doing at the moment?');
    expect(all).toContain('Thank you for talking to me. Say hello at any time to come back.');
    const { rows } = await t.db.query<{ seqs: number[] }>(`SELECT array_agg(seq::int ORDER BY seq) AS seqs FROM messages WHERE conversation_id = 'c-race'`);
    expect(rows[0]!.seqs).toEqual(rows[0]!.seqs.map((_, i) => i + 1));
  });

  it('finishes a conversation on the version it started with, and moves it when a migration is declared', async () => {
    const dirs = flowDir({ 'main.flow.yaml': FLOW_V1 });
    const { action } = controllableAction();
    const v1 = await engineOn(t.db, dirs, [action]);
    await v1.send('c-v1', 'hi');
    await v1.send('c-mig', 'hi');
    const v1Version = v1.catalog.current.flows.get('main')!.version;
    // Version 2 renames the first question's step and changes its wording.
    dirs.write('main.flow.yaml', FLOW_V1.replace('  name:\n    ask: name\n    type: text\n    question: about.ageQuestion', '  full_name:\n    ask: name\n    type: text\n    question: about.postcodeQuestion'));
    const v2 = await engineOn(t.db, dirs, [action]);
    expect(v2.catalog.current.flows.get('main')!.version).not.toBe(v1Version);
    expect(texts((await v2.send('c-v1', 'yes')).replies)[0]).toBe('Thank you. That helps me find what fits you.');
    const { rows } = await t.db.query<{ flow_version: string }>(`SELECT flow_version FROM conversations WHERE id = 'c-v1'`);
    expect(rows[0]!.flow_version).toBe(v1Version);
    // Version 3 declares a migration from version 1: the waiting conversation moves over.
    dirs.write('main.flow.yaml', `${FLOW_V1.replace('  name:\n    ask: name\n    type: text\n    question: about.ageQuestion', '  full_name:\n    ask: name\n    type: text\n    question: about.postcodeQuestion')}migrations:\n  - from: ${v1Version}\n    steps: { name: full_name }\n`);
    const v3 = await engineOn(t.db, dirs, [action]);
    await v3.send('c-mig', 'help');
    const v3Version = v3.catalog.current.flows.get('main')!.version;
    const out = await v3.send('c-mig', 'no');
    expect(texts(out.replies)).toEqual(['What are you doing at the moment?']);
    const after = await t.db.query<{ flow_version: string }>(`SELECT flow_version FROM conversations WHERE id = 'c-mig'`);
    expect(after.rows[0]!.flow_version).toBe(v3Version);
  });

  it('counts two database round trips for a simple turn on PostgreSQL', async () => {
    const e = await engineOn(t.db, flowDir({ "main.flow.yaml": FLOW_V1 }), [controllableAction().action]);
    await e.send('c-rt', 'hi');
    const before = t.db.roundTrips;
    await e.send('c-rt', 'help');
    expect(t.db.roundTrips - before).toBe(2);
  });
});
