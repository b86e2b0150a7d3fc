import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyEraser } from '../../../src/domain/journey/eraseJourneyData.ts';
import { journeyActions } from '../../../src/domain/journey/journeyActions.ts';
import { seedPartners } from '../../../src/domain/vacancies/seedPartners.ts';
import { ActionRegistry, type ActionContext } from '../../../src/engine/actions.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { addConversations, counts, env, NOW, seedSession } from '../courses/fixtures.ts';

describe('journey actions (as a flow calls them)', () => {
  let t: TestDb;
  let registry: ActionRegistry;
  let ctxFor: (conversationId: string) => ActionContext;
  beforeAll(async () => {
    t = await createTestDb();
    registry = new ActionRegistry().register(...journeyActions());
    await seedPartners(t.db);
    ctxFor = (conversationId) => ({
      conversationId,
      activityId: 'a1',
      channel: 'test',
      userId: 'u',
      locale: 'en',
      db: t.db,
      now: NOW,
      signal: new AbortController().signal,
    });
  });
  afterAll(() => t?.close());

  /** Parses params and result with the action's schemas, as the engine does. */
  const call = async (name: string, params: Record<string, unknown>, conversationId: string) => {
    const a = registry.get(name)!;
    return a.result.parse(await a.run(a.params.parse(params), ctxFor(conversationId))) as Record<string, unknown>;
  };

  it('registers every journey action once', () => {
    expect(registry.names()).toEqual([
      'acceptSeatOffer',
      'applicationStatus',
      'bookSession',
      'cancelBooking',
      'changeBooking',
      'declineSeatOffer',
      'listSessions',
      'matchVacancies',
      'myBookings',
      'submitApplication',
    ]);
  });

  it('lists, books the last seat, waitlists the next person, cancels and offers the seat', async () => {
    await seedSession(t.db, 'j1', 1);
    const [ada, ben] = await addConversations(t.db, 'j', 2);
    const listed = await call('listSessions', { programmeId: 'i-can' }, ada!);
    expect(listed).toMatchObject({ count: 1, firstSessionId: 'j1', sessions: [{ label: 'Test course: Monday 11 January at 09:30, Hall' }] });
    expect(listed.summary).toMatch(/^1\. Test course: Monday 11 January .*1 seats left\.$/);
    expect(await call('bookSession', { sessionId: 'j1' }, ada!)).toMatchObject({ type: 'booked', alreadyHad: false });
    expect(await call('bookSession', { sessionId: 'j1' }, ada!)).toMatchObject({ type: 'booked', alreadyHad: true });
    expect(await call('listSessions', { programmeId: 'i-can' }, ben!)).toMatchObject({ count: 0 });
    expect(await call('bookSession', { sessionId: 'j1' }, ben!)).toMatchObject({ type: 'waitlisted', position: 1 });
    expect(await call('myBookings', {}, ben!)).toMatchObject({ count: 1, bookings: [{ status: 'waiting' }] });
    expect(await call('cancelBooking', { sessionId: 'j1' }, ada!)).toMatchObject({ type: 'cancelled', was: 'booked' });
    expect(await call('myBookings', {}, ben!)).toMatchObject({ bookings: [{ status: 'offered', offerExpiresAt: expect.any(String) }] });
    expect(await call('acceptSeatOffer', {}, ben!)).toMatchObject({ type: 'booked', sessionId: 'j1' });
    expect(await counts(t.db, 'j1')).toEqual({ booked: 1, cancelled: 1 });
  });

  it('matches vacancies from flat answers, applies to two at once, and reports status per vacancy', async () => {
    const [cai] = await addConversations(t.db, 'v', 1);
    const spec = { jobFamilies: 'facilities', age: '17', hasDrivingLicence: 'no' };
    const m = await call('matchVacancies', spec, cai!);
    expect(m.fittingIds).toEqual(['uhb-domestic-heartlands-2027-1', 'bchc-catering-2027-1']);
    expect(m.whyNot).toContain('Porter, University Hospitals Birmingham NHS Foundation Trust: You need to be 18 or older. You need a driving licence.');
    const s = await call('submitApplication', { ...spec, vacancyIds: m.fittingIds, valuesStatements: 'I care about people.' }, cai!);
    expect(s).toMatchObject({ type: 'submitted', added: m.fittingIds });
    const st = await call('applicationStatus', {}, cai!);
    expect(st).toMatchObject({ type: 'found', vacancies: [{ status: 'submitted' }, { status: 'submitted' }] });
    expect(st.summary).toContain('Domestic assistant, University Hospitals Birmingham NHS Foundation Trust: We have sent your application.');
    expect(await call('applicationStatus', {}, 'nobody')).toMatchObject({ type: 'none', summary: '' });
  });

  it('erasing a conversation frees its seat for the next person and removes its application', async () => {
    await seedSession(t.db, 'j2', 1);
    const [dee, eve] = await addConversations(t.db, 'e', 2);
    await call('bookSession', { sessionId: 'j2' }, dee!);
    await call('bookSession', { sessionId: 'j2' }, eve!);
    await call('submitApplication', { jobFamilies: ['facilities'], age: 30, vacancyIds: ['bchc-catering-2027-1'] }, dee!);
    await t.db.transaction((tx) => journeyEraser(env.options, () => NOW)(tx, dee!));
    expect(await counts(t.db, 'j2')).toEqual({ offered: 1 });
    expect(await call('applicationStatus', {}, dee!)).toMatchObject({ type: 'none' });
  });
});
