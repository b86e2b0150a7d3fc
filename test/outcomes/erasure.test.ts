/**
 * Issue 15: erasure leaves the figures as they were and no personal value in them. Residents go
 * from a referral link to an application (and to a person) over Direct Line; then one says
 * "delete my data", staff erase another (`eraseConversation`, as `anchorline privacy erase`) and
 * retention prunes a third. Every count per stage stays, `erased` is added, the reach row (the
 * only link to the funnel subject) goes, and no value of funnel_events or conversation_reach is
 * the conversation id, the user id, the postcode or anything typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseConversation } from '../../src/domain/privacy/eraseConversation.ts';
import { pruneIdleConversations } from '../../src/domain/retention/pruneIdleConversations.ts';
import { consent, countsByStage, reachOf, Resident, ROUTE, STATEMENT, startOutcomes, toApplication, type Outcomes } from './outcomesHarness.ts';

let o: Outcomes;
beforeAll(async () => {
  o = await startOutcomes();
});
afterAll(async () => o?.close());

/** The resident's user id, from the claims of their Direct Line token. */
const userIdOf = (r: Resident) => (JSON.parse(Buffer.from(r.token.split('.')[0]!, 'base64url').toString('utf8')) as { uid: string }).uid;

/** A resident from the referral link to an application and a request for a person; what they typed. */
async function throughTheJourney(postcode: string): Promise<{ r: Resident; personal: string[] }> {
  const r = new Resident(o.dl);
  await r.start({ referral: ROUTE });
  await consent(r);
  await toApplication(o, r, postcode);
  expect((await r.say('talk to a person')).texts.join('\n')).toMatch(/adviser|person/i);
  const typed = ['19', postcode, postcode.toLowerCase(), 'admin and facilities', '1 and 2', STATEMENT, 'talk to a person'];
  return { r, personal: [r.conversationId, userIdOf(r), ...typed] };
}

/** Every value of every row of the figures' two tables, as text (but the event's row number: 19 is not an age). */
async function figureValues(): Promise<string[]> {
  const out: string[] = [];
  for (const table of ['funnel_events', 'conversation_reach']) {
    const { rows } = await o.db.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    for (const row of rows) {
      for (const [column, v] of Object.entries(row)) if (v !== null && !(table === 'funnel_events' && column === 'id')) out.push(v instanceof Date ? v.toISOString() : String(v));
    }
  }
  return out;
}

async function expectNoPersonalValue(personal: string[]): Promise<void> {
  const values = await figureValues();
  expect(values.length).toBeGreaterThan(0);
  for (const p of personal) {
    expect(values.filter((v) => v === p || (p.length >= 6 && v.toLowerCase().includes(p.toLowerCase())))).toEqual([]);
  }
}

describe('erasure and the figures', () => {
  it('"delete my data": every count per stage stays, erased is added, the reach row goes, no personal value is left', async () => {
    const { r, personal } = await throughTheJourney('B11 3AA');
    const before = await countsByStage(o.db);
    expect(before).toMatchObject({ started: 1, consented: 1, eligibility: 1, booked: 1, applied: 2, handed_off: 1 });
    expect(await reachOf(o.db, r.conversationId)).toMatchObject({ referral_code: ROUTE });

    expect((await r.say('delete my data')).texts).toEqual(['Done. We have deleted your answers and this chat. Say hello to start again.']);

    expect(await countsByStage(o.db)).toEqual({ ...before, erased: 1 });
    expect(await reachOf(o.db, r.conversationId)).toBeUndefined();
    // The erasure is a bare count for the day: nothing that could tell whose it was.
    const erased = await o.db.query<{ subject: string | null; at: Date }>(
      `SELECT subject, referral_code, ward_code, imd_decile, age_band, programme_id, language, at FROM funnel_events WHERE stage = 'erased'`,
    );
    expect(erased.rows).toEqual([{ subject: null, referral_code: null, ward_code: null, imd_decile: null, age_band: null, programme_id: null, language: null, at: expect.any(Date) }]);
    await expectNoPersonalValue(personal);
  });

  it('an erased resident’s events cannot be matched to the privacy audit’s time: a fresh subject, at the start of their London day', async () => {
    const { r } = await throughTheJourney('B11 3AE');
    const subject = (await reachOf(o.db, r.conversationId))!.subject;
    const timesBefore = await o.db.query<{ stage: string; day: string }>(
      `SELECT stage, to_char(at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS day FROM funnel_events WHERE subject = $1 ORDER BY stage`,
      [subject],
    );
    const subjects = async () => new Set((await o.db.query<{ subject: string }>('SELECT DISTINCT subject FROM funnel_events WHERE subject IS NOT NULL')).rows.map((x) => x.subject));
    const subjectsBefore = await subjects();
    await r.say('delete my data');
    expect((await o.db.query('SELECT 1 FROM funnel_events WHERE subject = $1', [subject])).rowCount).toBe(0);
    const fresh = [...(await subjects())].filter((x) => !subjectsBefore.has(x));
    expect(fresh).toHaveLength(1);
    const audit = await o.db.query<{ at: Date }>(`SELECT at FROM privacy_audit WHERE conversation_id = $1 AND action = 'erased'`, [r.conversationId]);
    expect(audit.rows).toHaveLength(1);
    // No event of an erased resident (a subject no conversation links to any more) lies within a
    // minute of the audit's time; anonymous starts name nobody, live residents are not erased.
    const near = await o.db.query(
      `SELECT stage FROM funnel_events WHERE abs(extract(epoch FROM at - $1::timestamptz)) < 60
          AND subject IS NOT NULL AND subject NOT IN (SELECT subject FROM conversation_reach WHERE subject IS NOT NULL)`,
      [audit.rows[0]!.at],
    );
    expect(near.rows).toEqual([]);
    const moved = await o.db.query<{ stage: string; day: string; midnight: boolean }>(
      `SELECT stage, to_char(at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS day,
              (at AT TIME ZONE 'Europe/London')::time = '00:00' AS midnight
         FROM funnel_events WHERE subject = $1 ORDER BY stage`,
      [fresh[0]],
    );
    expect(moved.rows.map(({ stage, day }) => ({ stage, day }))).toEqual(timesBefore.rows);
    expect(moved.rows.every((m) => m.midnight)).toBe(true);
  });

  it('staff erasure (eraseConversation) and retention do the same', async () => {
    const staff = await throughTheJourney('B11 3AB');
    const idle = await throughTheJourney('B11 3AD');
    const before = await countsByStage(o.db);

    expect(await eraseConversation(o.db, staff.r.conversationId, { erasers: o.erasers, actor: 'staff:ana' })).toBe(true);
    expect(await countsByStage(o.db)).toEqual({ ...before, erased: before.erased! + 1 });
    expect(await reachOf(o.db, staff.r.conversationId)).toBeUndefined();

    await o.db.query(`UPDATE conversations SET last_activity_at = now() - interval '400 days' WHERE id = $1`, [idle.r.conversationId]);
    expect(await pruneIdleConversations(o.db, { olderThan: new Date(Date.now() - 30 * 86_400_000), erasers: o.erasers })).toBe(1);
    expect(await countsByStage(o.db)).toEqual({ ...before, erased: before.erased! + 2 });
    expect(await reachOf(o.db, idle.r.conversationId)).toBeUndefined();

    await expectNoPersonalValue([...staff.personal, ...idle.personal]);
  });

  it('a conversation erased before consent adds nothing but its anonymous start and the bare erasure count', async () => {
    const r = new Resident(o.dl);
    await r.start({ referral: ROUTE });
    const before = await countsByStage(o.db);
    await r.say('delete my data');
    // The erasure itself is counted (a bare count); nothing else changes.
    expect(await countsByStage(o.db)).toEqual({ ...before, erased: (before.erased ?? 0) + 1 });
    expect(await reachOf(o.db, r.conversationId)).toBeUndefined();
  });
});
