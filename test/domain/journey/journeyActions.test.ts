import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyEraser } from '../../../src/domain/journey/eraseJourneyData.ts';
import { journeyActions } from '../../../src/domain/journey/journeyActions.ts';
import { seedPartners } from '../../../src/domain/vacancies/seedPartners.ts';
import { ActionRegistry, type ActionContext } from '../../../src/engine/actions.ts';
import { agreeToShare } from '../../helpers/consent.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { addConversations, counts, env, loadNotices, NOW, seedSession } from '../courses/fixtures.ts';

describe('journey actions (as a flow calls them)', () => {
  let t: TestDb;
  let registry: ActionRegistry;
  let ctxFor: (conversationId: string, locale?: string) => ActionContext;
  beforeAll(async () => {
    t = await createTestDb();
    registry = new ActionRegistry().register(...journeyActions({ notices: await loadNotices() }));
    await seedPartners(t.db);
    ctxFor = (conversationId, locale = 'en') => ({
      conversationId,
      activityId: 'a1',
      channel: 'test',
      userId: 'u',
      locale,
      tx: t.db,
      now: NOW,
      signal: new AbortController().signal,
    });
  });
  afterAll(() => t?.close());

  /** Parses params and result with the action's schemas, and runs it in a transaction of its own, as the engine does a turn. */
  const call = async (name: string, params: Record<string, unknown>, conversationId: string, locale?: string) => {
    const a = registry.get(name)!;
    const out = await t.db.transaction((tx) => a.run(a.params.parse(params), { ...ctxFor(conversationId, locale), tx }));
    return a.result.parse(out) as Record<string, unknown>;
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
    expect(listed).toMatchObject({ count: 1, firstSessionId: 'j1', sessions: [{ label: 'Monday 11 January 2027, 9:30am' }] });
    expect(listed.summary).toBe('1. Test course: Monday 11 January 2027, 9:30am to 3pm, at Hall (step-free). 1 seat left.');
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
    expect(m.whyNot).toContain('Porter (NHS): You need to be 18 or older. You need a driving licence.');
    // Nothing is sent before the resident agrees to share with the partners named.
    const notYet = await call('submitApplication', { ...spec, vacancyIds: m.fittingIds, valuesStatements: 'I care about people.' }, cai!);
    expect(notYet).toMatchObject({ type: 'refused', problems: [{ notShared: true }, { notShared: true }] });
    await agreeToShare(t.db, cai!, ['uhb', 'bchc']);
    const s = await call('submitApplication', { ...spec, vacancyIds: m.fittingIds, valuesStatements: 'I care about people.' }, cai!);
    expect(s).toMatchObject({ type: 'submitted', added: m.fittingIds });
    const st = await call('applicationStatus', {}, cai!);
    expect(st).toMatchObject({ type: 'found', vacancies: [{ status: 'submitted' }, { status: 'submitted' }] });
    expect(st.summary).toContain('Domestic assistant (NHS): We have sent your application.');
    expect(await call('applicationStatus', {}, 'nobody')).toMatchObject({ type: 'none', summary: '' });
  });

  it('gives an Urdu resident Urdu session labels and summaries, full sessions included', async () => {
    await seedSession(t.db, 'u1', 2, '2027-01-12');
    await seedSession(t.db, 'u2', 1, '2027-01-13');
    const [fay, gus] = await addConversations(t.db, 'u', 2);
    await call('bookSession', { sessionId: 'u2' }, gus!);
    // j1 (full since the first test) is listed too: includeFull shows the waiting-list wording.
    const listed = await call('listSessions', { programmeId: 'i-can', includeFull: 'yes' }, fay!, 'ur');
    expect(listed).toMatchObject({
      count: 3,
      sessions: [
        { id: 'j1', label: 'پیر، 11 جنوری، 2027، 9:30 صبح' },
        { id: 'u1', label: 'منگل، 12 جنوری، 2027، 9:30 صبح' },
        { id: 'u2', label: 'بدھ، 13 جنوری، 2027، 9:30 صبح' },
      ],
    });
    expect((listed.summary as string).split('\n')).toEqual([
      '1۔ Test course: پیر، 11 جنوری، 2027، 9:30 صبح\u2009–\u20093:00 دوپہر، Hall میں (سیڑھیوں کے بغیر رسائی)۔ سب سیٹیں بھر چکی ہیں۔ آپ انتظار کی فہرست میں شامل ہو سکتے ہیں۔',
      '2۔ Test course: منگل، 12 جنوری، 2027، 9:30 صبح\u2009–\u20093:00 دوپہر، Hall میں (سیڑھیوں کے بغیر رسائی)۔ 2 سیٹیں باقی ہیں۔',
      '3۔ Test course: بدھ، 13 جنوری، 2027، 9:30 صبح\u2009–\u20093:00 دوپہر، Hall میں (سیڑھیوں کے بغیر رسائی)۔ سب سیٹیں بھر چکی ہیں۔ آپ انتظار کی فہرست میں شامل ہو سکتے ہیں۔',
    ]);
    // The same list for an English resident, so the wording follows ctx.locale and not the data.
    const english = await call('listSessions', { programmeId: 'i-can', includeFull: 'yes' }, gus!, 'en');
    expect((english.summary as string).split('\n')[2]).toBe('3. Test course: Wednesday 13 January 2027, 9:30am to 3pm, at Hall (step-free). Full. You can join the waiting list.');
    await call('bookSession', { sessionId: 'u1' }, fay!, 'ur');
    expect(await call('myBookings', {}, fay!, 'ur')).toMatchObject({
      bookings: [{ status: 'booked', session: { id: 'u1', seatsLeft: 1, label: 'منگل، 12 جنوری، 2027، 9:30 صبح' } }],
    });
    expect((await call('listSessions', { programmeId: 'i-can' }, gus!, 'ur')).summary).toBe(
      '1۔ Test course: منگل، 12 جنوری، 2027، 9:30 صبح\u2009–\u20093:00 دوپہر، Hall میں (سیڑھیوں کے بغیر رسائی)۔ 1 سیٹ باقی ہے۔',
    );
  });

  it('gives an Urdu resident Urdu vacancy summaries, reasons and application status', async () => {
    const [hal] = await addConversations(t.db, 'w', 1);
    const spec = { jobFamilies: 'facilities', age: '17', hasDrivingLicence: 'no' };
    const m = await call('matchVacancies', spec, hal!, 'ur');
    expect((m.summary as string).split('\n')).toEqual([
      '1۔ ہارٹ لینڈز ہسپتال میں صفائی کا معاون (این ایچ ایس)۔ ہفتے میں 22.5 گھنٹے۔ درخواست کی آخری تاریخ اتوار، 7 مارچ، 2027 ہے۔',
      '2۔ موزلی ہال ہسپتال میں کھانے کی تیاری میں معاون (این ایچ ایس)۔ ہفتے میں 18.75 گھنٹے۔ درخواست کی آخری تاریخ اتوار، 14 مارچ، 2027 ہے۔',
    ]);
    expect(m.whyNot).toBe(
      'پورٹر (این ایچ ایس): آپ کی عمر کم از کم 18 سال ہونی چاہیے۔ آپ کے پاس ڈرائیونگ لائسنس ہونا ضروری ہے۔',
    );
    expect(((await call('matchVacancies', spec, hal!, 'en')).summary as string).split('\n')[0]).toBe(
      '1. Domestic assistant at Heartlands Hospital (NHS). 22.5 hours a week. Closes on Sunday 7 March 2027.',
    );
    await agreeToShare(t.db, hal!, ['uhb', 'bchc']);
    await call('submitApplication', { ...spec, vacancyIds: m.fittingIds }, hal!, 'ur');
    expect(((await call('applicationStatus', {}, hal!, 'ur')).summary as string).split('\n')).toEqual([
      'صفائی کا معاون (این ایچ ایس): ہم نے آپ کی درخواست بھیج دی ہے۔',
      'کھانے کی تیاری میں معاون (این ایچ ایس): ہم نے آپ کی درخواست بھیج دی ہے۔',
    ]);
  });

  it('erasing a conversation frees its seat for the next person and removes its application', async () => {
    await seedSession(t.db, 'j2', 1);
    const [dee, eve] = await addConversations(t.db, 'e', 2);
    await call('bookSession', { sessionId: 'j2' }, dee!);
    await call('bookSession', { sessionId: 'j2' }, eve!);
    await agreeToShare(t.db, dee!, ['bchc']);
    await call('submitApplication', { jobFamilies: ['facilities'], age: 30, vacancyIds: ['bchc-catering-2027-1'] }, dee!);
    await t.db.transaction((tx) => journeyEraser(env.options, () => NOW)(tx, dee!));
    expect(await counts(t.db, 'j2')).toEqual({ offered: 1 });
    expect(await call('applicationStatus', {}, dee!)).toMatchObject({ type: 'none' });
  });
});
