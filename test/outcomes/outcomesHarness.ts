/**
 * What the outcome tests share: the real engine on the shipped flows and data with the app's
 * erasers (app.ts `erasersOf`, so the figures' eraser is in them), served over our Direct Line
 * endpoint, a resident driving it as Web Chat does (plain HTTP), and the funnel rows read back.
 * Only postcodes.io (outside) is stood in for, with nock.
 */
import nock from 'nock';
import { erasersOf } from '../../src/app.ts';
import type { Handoffs } from '../../src/channels/slack/createHandoffs.ts';
import { loadConfig } from '../../src/config.ts';
import { seedCourses } from '../../src/domain/courses/seedCourses.ts';
import { seedPartners } from '../../src/domain/vacancies/seedPartners.ts';
import type { Eraser } from '../../src/engine/turnState.ts';
import type { Db } from '../../src/store/db.ts';
import { createReferralCode } from '../../src/store/referralCodes.ts';
import { serveDirectLine, silentLogger, type Served } from '../channels/web/directLineHarness.ts';
import { shippedEngine, testDesk, type ShippedEngine } from '../helpers/shippedEngine.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

export const POSTCODES = 'http://postcodes.outcomes.test';

/** A community partner's live route, and one it retired. */
export const ROUTE = 'PIONEER1';
export const RETIRED = 'OLDPOSTER';

export interface Outcomes {
  t: TestDb;
  db: Db;
  shipped: ShippedEngine;
  desk: Handoffs;
  erasers: Eraser[];
  dl: Served;
  close(): Promise<void>;
}

/** The database seeded with the shipped courses and partners, two referral codes, the engine and Direct Line. */
export async function startOutcomes(): Promise<Outcomes> {
  const t = await createTestDb();
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  await seedCourses(t.db, 'flows/courses.yaml');
  await seedPartners(t.db, 'flows/partners.yaml');
  await createReferralCode(t.db, { partnerId: 'bchc', label: 'Pioneer tenancy team', code: ROUTE });
  await createReferralCode(t.db, { partnerId: 'bchc', label: 'Last year’s poster', code: RETIRED });
  await t.db.query(`UPDATE referral_codes SET retired_at = now() WHERE code = $1`, [RETIRED]);
  const desk = testDesk(t.db);
  const erasers = erasersOf(loadConfig({ POSTCODES_IO_URL: POSTCODES }), desk);
  const shipped = await shippedEngine(t.db, { env: { POSTCODES_IO_URL: POSTCODES }, desk, erasers });
  const dl = await serveDirectLine({ db: t.db, engine: shipped.engine, logger: silentLogger, tokenSigningKey: 'outcomes-'.repeat(4), widgetOrigins: [] });
  return {
    t,
    db: t.db,
    shipped,
    desk,
    erasers,
    dl,
    async close() {
      await dl.close();
      nock.cleanAll();
      nock.enableNetConnect();
      await t.close();
    },
  };
}

/** Real rows of the shipped IMD table: Tyseley & Hay Mills (decile 1) and Harborne (decile 8). */
export const TYSELEY = { ward: ['E05011182', 'Tyseley & Hay Mills'], lsoa11: 'E01008882' } as const;
export const HARBORNE = { ward: ['E05011144', 'Harborne'], lsoa11: 'E01009068' } as const;

/** postcodes.io answering for a Birmingham postcode in that place, once. */
export function answerPostcode(postcode: string, place: { ward: readonly [string, string]; lsoa11: string } = TYSELEY): void {
  nock(POSTCODES)
    .get(`/postcodes/${encodeURIComponent(postcode)}`)
    .reply(200, {
      status: 200,
      result: {
        postcode,
        admin_district: 'Birmingham',
        admin_ward: place.ward[1],
        codes: { admin_district: 'E08000025', admin_ward: place.ward[0], lsoa: 'E01033620', lsoa11: place.lsoa11, lsoa21: 'E01033620' },
      },
    });
}

interface Bot {
  texts: string[];
  values: string[];
}

/** A resident on the Direct Line endpoint, as Web Chat drives it: a token, the start, then messages. */
export class Resident {
  conversationId = '';
  token = '';
  #watermark = '';
  #n = 0;

  constructor(private readonly dl: Served) {}

  /** POST /tokens/generate with this body (e.g. `{referral}`), then POST /conversations with the token (the start turn). */
  async start(generateBody: unknown = {}, conversationsBody: unknown = { locale: 'en' }): Promise<Bot> {
    const gen = await this.#post('/tokens/generate', generateBody);
    const g = (await gen.json()) as { conversationId: string; token: string };
    this.token = g.token;
    const started = await this.#post('/conversations', conversationsBody, this.token);
    if (started.status !== 201) throw new Error(`POST /conversations: ${started.status}`);
    this.conversationId = g.conversationId;
    return this.read();
  }

  /** One message (typed text, or a pressed button's value); the bot's answer. */
  async say(text?: string, value?: unknown, channelData: Record<string, unknown> = {}): Promise<Bot> {
    const res = await this.#post(
      `/conversations/${encodeURIComponent(this.conversationId)}/activities`,
      { type: 'message', from: { id: 'ignored' }, ...(text !== undefined ? { text } : {}), ...(value !== undefined ? { value } : {}), channelData: { clientActivityID: `m${++this.#n}`, ...channelData } },
      this.token,
    );
    if (res.status !== 200) throw new Error(`POST activities: ${res.status} ${await res.text()}`);
    return this.read();
  }

  /** What the bot said since the last read. */
  async read(): Promise<Bot> {
    const res = await fetch(`${this.dl.domain}/conversations/${encodeURIComponent(this.conversationId)}/activities?watermark=${this.#watermark}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    const set = (await res.json()) as { watermark: string; activities: Array<{ from: { role?: string }; text?: string; suggestedActions?: { actions: Array<{ value: string }> } }> };
    this.#watermark = set.watermark;
    const bot = set.activities.filter((a) => a.from.role === 'bot');
    return { texts: bot.flatMap((a) => (a.text ? [a.text] : [])), values: bot.flatMap((a) => a.suggestedActions?.actions.map((x) => x.value) ?? []) };
  }

  #post(path: string, body: unknown, token?: string): Promise<Response> {
    return fetch(`${this.dl.domain}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  }
}

/** Language and consent by buttons (English, yes). */
export async function consent(r: Resident): Promise<Bot> {
  await r.say('English', 'en');
  return r.say('Yes', 'yes');
}

/** The questions about them up to the eligibility decision (19, unemployed, never in hospitality, right to work, postcode). */
export async function aboutYou(r: Resident, postcode: string): Promise<Bot> {
  await r.say('19');
  await r.say('Unemployed', 'unemployed');
  await r.say('Never', 'never');
  await r.say('yes');
  return r.say(postcode);
}

/** What a resident typed on the way to an application (the erasure tests look for each in the figures). */
export const STATEMENT = 'I am friendly, reliable and I like helping people.';

/**
 * From the eligibility decision (I Can, from a decile-1 postcode) to an application for two
 * vacancies, with a seat booked on the first I Can session on the way. Returns the session and vacancies.
 */
export async function toApplication(o: { db: Db }, r: Resident, postcode = 'B11 3AA'): Promise<{ decision: Bot; sessionId: string; vacancyIds: string[]; applied: Bot }> {
  answerPostcode(postcode);
  const decision = await aboutYou(r, postcode.toLowerCase());
  const { rows } = await o.db.query<{ id: string }>(
    `SELECT s.id FROM course_sessions s JOIN courses c ON c.id = s.course_id WHERE c.programme_id = 'i-can' ORDER BY s.starts_at LIMIT 1`,
  );
  const sessionId = rows[0]!.id;
  const booked = await r.say('Book', sessionId);
  if (!booked.texts.join('\n').includes('Your place is booked.')) throw new Error(`not booked: ${booked.texts.join(' / ')}`);
  await r.say('admin and facilities');
  const vacancies = await r.say('yes');
  const vacancyIds = vacancies.values.filter((v) => v !== '*').slice(0, 2);
  await r.say('1 and 2');
  await r.say(STATEMENT);
  return { decision, sessionId, vacancyIds, applied: await r.say('yes') };
}

export type FunnelRow = {
  subject: string | null;
  stage: string;
  programme_id: string | null;
  partner_id: string | null;
  vacancy_id: string | null;
  session_id: string | null;
  eligible: boolean | null;
  rule: string | null;
  referral_code: string | null;
  ward_code: string | null;
  imd_decile: number | null;
  age_band: string | null;
  language: string | null;
};

const COLUMNS = 'subject, stage, programme_id, partner_id, vacancy_id, session_id, eligible, rule, referral_code, ward_code, imd_decile, age_band, language';

/** Every funnel event, oldest first (optionally of one subject). */
export async function funnel(db: Db, subject?: string | null): Promise<FunnelRow[]> {
  const { rows } =
    subject === undefined
      ? await db.query<FunnelRow>(`SELECT ${COLUMNS} FROM funnel_events ORDER BY id`)
      : subject === null
        ? await db.query<FunnelRow>(`SELECT ${COLUMNS} FROM funnel_events WHERE subject IS NULL ORDER BY id`)
        : await db.query<FunnelRow>(`SELECT ${COLUMNS} FROM funnel_events WHERE subject = $1 ORDER BY id`, [subject]);
  return rows;
}

/** The conversation's reach row (undefined once erased). */
export async function reachOf(db: Db, conversationId: string) {
  const { rows } = await db.query<{ referral_code: string | null; subject: string | null; language: string; ward_code: string | null; imd_decile: number | null; age_band: string | null; programme_id: string | null }>(
    'SELECT referral_code, subject, language, ward_code, imd_decile, age_band, programme_id FROM conversation_reach WHERE conversation_id = $1',
    [conversationId],
  );
  return rows[0];
}

/** How many events per stage: what any figure is made of. */
export async function countsByStage(db: Db): Promise<Record<string, number>> {
  const { rows } = await db.query<{ stage: string; n: number }>('SELECT stage, count(*)::int AS n FROM funnel_events GROUP BY stage ORDER BY stage');
  return Object.fromEntries(rows.map((r) => [r.stage, r.n]));
}
