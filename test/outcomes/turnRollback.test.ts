/**
 * Issue 15: funnel events are written in the transaction of the change they count, so a turn that
 * rolls back (here: an action runs out of time after the consent, or after the booking) leaves no
 * event, and the turn sent again counts once. Fault injection as test/engine/turnFaults.test.ts does it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { journeyActions } from '../../src/domain/journey/journeyActions.ts';
import { defineAction } from '../../src/engine/actions.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { loadNotices, seedSession } from '../domain/courses/fixtures.ts';
import { engineOn, flowDir } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { funnel, reachOf } from './outcomesHarness.ts';

const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type));
const NOT_DONE = 'Sorry, that did not go through on our side, so nothing was changed. Please try again in a moment.';

/** Consent, then a gate; a session asked for and booked, then a gate. A closed gate outlasts the action time limit. */
const FLOW = `id: main
steps:
  consent:
    ask: consent
    type: yesno
    sets: consent
    question: consent.question
  gate_after_consent:
    call: gate
    params: {}
    result: gate1
  which:
    ask: which
    type: text
    question: about.ageQuestion
  book:
    call: bookSession
    params: { sessionId: $which }
    result: booking
  gate_after_booking:
    call: gate
    params: {}
    result: gate2
  done:
    end: true
    say: journey.goodbye
`;

describe('a rolled-back turn counts nothing', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await seedSession(t.db, 'held', 10, '2099-01-11');
  });
  afterAll(async () => t.close());

  it('consent and booking in turns that roll back leave no event; sent again, each counts once', async () => {
    const ctl = { closed: false };
    const gate = defineAction({
      name: 'gate',
      description: 'passes, or (closed) stalls past the time limit',
      params: z.object({}),
      result: z.object({ ok: z.boolean() }),
      run: async () => {
        if (ctl.closed) await new Promise((r) => setTimeout(r, 1500));
        return { ok: true };
      },
    });
    const e = await engineOn(t.db, flowDir({ 'main.flow.yaml': FLOW }), [gate, ...journeyActions({ notices: await loadNotices() })]);
    await e.send('c-rb', 'hi');
    expect(await funnel(t.db)).toEqual([expect.objectContaining({ stage: 'started', subject: null })]);

    ctl.closed = true;
    expect(texts((await e.send('c-rb', 'yes')).replies)[0]).toBe(NOT_DONE);
    expect(await reachOf(t.db, 'c-rb')).toMatchObject({ subject: null });
    expect(await funnel(t.db)).toHaveLength(1);

    ctl.closed = false;
    await e.send('c-rb', 'yes');
    const subject = (await reachOf(t.db, 'c-rb'))!.subject;
    expect(subject).not.toBeNull();
    expect((await funnel(t.db, subject)).map((x) => x.stage)).toEqual(['consented']);

    ctl.closed = true;
    expect(texts((await e.send('c-rb', 'held')).replies)[0]).toBe(NOT_DONE);
    expect((await funnel(t.db, subject)).map((x) => x.stage)).toEqual(['consented']);
    expect((await t.db.query(`SELECT 1 FROM bookings WHERE conversation_id = 'c-rb'`)).rowCount).toBe(0);

    ctl.closed = false;
    await e.send('c-rb', 'held');
    expect(await funnel(t.db, subject)).toEqual([
      expect.objectContaining({ stage: 'consented' }),
      expect.objectContaining({ stage: 'booked', session_id: 'held', programme_id: 'i-can' }),
    ]);
  });
});
