/**
 * Issue 15: a referral code is carried from the resident's first turn to their application, and
 * every stage of the funnel is counted with it — through our real Direct Line endpoint, the real
 * engine, the shipped flows and data, and PostgreSQL. Before consent a conversation is only an
 * anonymous count; an unknown or retired code counts as no route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aboutYou, answerPostcode, consent, funnel, HARBORNE, reachOf, Resident, RETIRED, ROUTE, startOutcomes, toApplication, type Outcomes } from './outcomesHarness.ts';

let o: Outcomes;
beforeAll(async () => {
  o = await startOutcomes();
});
afterAll(async () => o?.close());

/** The anonymous `started` row of a conversation's language and route, counted once per conversation started. */
const startedRows = async (referral: string | null) =>
  (await funnel(o.db, null)).filter((r) => r.stage === 'started' && r.referral_code === referral);

describe('a referral code from the first turn to the application', () => {
  it('started, consented, eligibility, booked and applied all carry the code; place, decile, age band and language after the decision', async () => {
    const r = new Resident(o.dl);
    await r.start({ referral: ROUTE });
    expect(await reachOf(o.db, r.conversationId)).toMatchObject({ referral_code: ROUTE, subject: null, language: 'en' });
    await consent(r);
    const reach = await reachOf(o.db, r.conversationId);
    expect(reach?.subject).toMatch(/^[0-9a-f-]{36}$/);

    const { decision, sessionId, vacancyIds: picked, applied } = await toApplication(o, r);
    expect(decision.texts.join('\n')).toContain('Good news! You can join I Can.');
    expect(decision.values).toContain(sessionId);
    expect(picked).toHaveLength(2);
    expect(applied.texts.join('\n')).toContain('We have sent one application for the jobs you picked.');

    const events = await funnel(o.db, reach!.subject);
    expect(events.map((e) => e.stage)).toEqual(['consented', 'eligibility', 'booked', 'applied', 'applied']);
    expect(events.every((e) => e.referral_code === ROUTE && e.language === 'en')).toBe(true);
    expect(events[0]).toMatchObject({ ward_code: null, imd_decile: null, age_band: null, programme_id: null });
    // The decision teaches the figures the place and the band, never the postcode or the age.
    const decided = { ward_code: 'E05011182', imd_decile: 1, age_band: '18-24', programme_id: 'i-can' };
    expect(events[1]).toMatchObject({ ...decided, eligible: true, rule: null });
    expect(events[2]).toMatchObject({ ...decided, session_id: sessionId });
    expect(events.slice(3).map((e) => e.vacancy_id).sort()).toEqual([...picked].sort());
    const partners = await o.db.query<{ id: string; partner_id: string }>('SELECT id, partner_id FROM vacancies WHERE id = ANY($1::text[])', [picked]);
    for (const e of events.slice(3)) expect(e).toMatchObject({ ...decided, partner_id: partners.rows.find((p) => p.id === e.vacancy_id)!.partner_id });
    expect(await reachOf(o.db, r.conversationId)).toMatchObject(decided);
    // And the anonymous start of this conversation carried the code too.
    expect(await startedRows(ROUTE)).toHaveLength(1);
  });

  it('a decision against counts as not eligible with the id of the rule that failed, never an answer', async () => {
    const r = new Resident(o.dl);
    await r.start({});
    await consent(r);
    answerPostcode('B17 9AA', HARBORNE);
    const decision = await aboutYou(r, 'B17 9AA');
    expect(decision.texts.join('\n')).toContain('You cannot join Hospitality to Health right now.');
    const reach = await reachOf(o.db, r.conversationId);
    const events = await funnel(o.db, reach!.subject);
    expect(events.map((e) => e.stage)).toEqual(['consented', 'eligibility']);
    // Nineteen and never in hospitality: Hospitality to Health's hospitality rule decided it.
    expect(events[1]).toMatchObject({
      programme_id: 'hospitality-to-health',
      eligible: false,
      rule: 'hospitality',
      ward_code: 'E05011144',
      imd_decile: 8,
      age_band: '18-24',
      referral_code: null,
    });
  });

  it('before consent only the anonymous start is counted; a refused consent leaves no subject and no reach row', async () => {
    const before = (await funnel(o.db)).length;
    const r = new Resident(o.dl);
    await r.start({ referral: ROUTE });
    await r.say('English', 'en');
    const all = await funnel(o.db);
    expect(all.slice(before)).toEqual([expect.objectContaining({ stage: 'started', subject: null, referral_code: ROUTE, language: 'en' })]);

    const refused = await r.say('No', 'no');
    expect(refused.texts).toContain('That is fine. We have not kept anything you told us. You can come back at any time.');
    // Refusing keeps nothing: not even the route beside the conversation; the start stays counted.
    expect(await reachOf(o.db, r.conversationId)).toBeUndefined();
    expect((await funnel(o.db)).slice(before)).toHaveLength(1);
  });

  it('a language change moves the conversation’s later events to the new language', async () => {
    const r = new Resident(o.dl);
    await r.start({ referral: ROUTE });
    await r.say('Polski', 'pl');
    expect(await reachOf(o.db, r.conversationId)).toMatchObject({ language: 'pl' });
    await r.say('Tak', 'yes');
    const reach = await reachOf(o.db, r.conversationId);
    expect(await funnel(o.db, reach!.subject)).toEqual([expect.objectContaining({ stage: 'consented', language: 'pl', referral_code: ROUTE })]);
  });
});

describe('which codes count', () => {
  it('a lower-case code is the same route; an unknown, a retired or a malformed one counts as no route, and the chat still works', async () => {
    const cases: Array<[unknown, string | null]> = [
      [ROUTE.toLowerCase(), ROUTE],
      ['NOSUCHCODE', null],
      [RETIRED, null],
      ['<b>x</b>', null],
      [{ code: ROUTE }, null],
    ];
    for (const [given, counted] of cases) {
      const r = new Resident(o.dl);
      const greeting = await r.start({ referral: given });
      expect(greeting.texts[0]).toMatch(/^Hello! I am Anchorline/);
      expect(await reachOf(o.db, r.conversationId)).toMatchObject({ referral_code: counted });
    }
  });

  it('the code reaches the start turn by POST /conversations without a token, by the webchat/join event, and by a first message', async () => {
    // Without a token (no Direct Line secret is set): the body of POST /conversations.
    const res = await fetch(`${o.dl.domain}/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ referral: 'pioneer1' }) });
    expect(res.status).toBe(201);
    const direct = (await res.json()) as { conversationId: string };
    expect(await reachOf(o.db, direct.conversationId)).toMatchObject({ referral_code: ROUTE });

    // A token without a code; the page's join event names it.
    const joined = await generate();
    await post(joined, { type: 'event', name: 'webchat/join', value: { locale: 'en', referral: ROUTE } });
    expect(await reachOf(o.db, joined.conversationId)).toMatchObject({ referral_code: ROUTE });

    // No start turn at all: the first message's channelData carries it.
    const typed = await generate();
    await post(typed, { type: 'message', text: 'hello', channelData: { clientActivityID: 'first', referral: ROUTE } });
    expect(await reachOf(o.db, typed.conversationId)).toMatchObject({ referral_code: ROUTE });
    // A code on a later message does not change the route.
    await post(typed, { type: 'message', text: 'English', value: 'en', channelData: { clientActivityID: 'second', referral: RETIRED } });
    expect(await reachOf(o.db, typed.conversationId)).toMatchObject({ referral_code: ROUTE });
  });

  it('the code survives /tokens/refresh: a token refreshed before the conversation starts still carries it', async () => {
    const gen = (await (await fetch(`${o.dl.domain}/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ referral: ROUTE }) })).json()) as {
      conversationId: string;
      token: string;
    };
    const refreshed = (await (await fetch(`${o.dl.domain}/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${gen.token}` } })).json()) as { token: string };
    expect(refreshed.token).not.toBe('');
    const started = await fetch(`${o.dl.domain}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${refreshed.token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(started.status).toBe(201);
    expect(await reachOf(o.db, gen.conversationId)).toMatchObject({ referral_code: ROUTE });
  });
});

async function generate(): Promise<{ conversationId: string; token: string }> {
  const res = await fetch(`${o.dl.domain}/tokens/generate`, { method: 'POST' });
  return (await res.json()) as { conversationId: string; token: string };
}

async function post(who: { conversationId: string; token: string }, activity: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${o.dl.domain}/conversations/${encodeURIComponent(who.conversationId)}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: { id: 'ignored' }, ...activity }),
  });
  expect(res.status).toBe(200);
}
