/**
 * A seeded population for the outcomes figures (issue 15): thousands of residents across the real
 * wards and deciles of Birmingham and Solihull, brought in by several referral routes of three
 * partners, applying to vacancies of three employers, walking the funnel with seeded chances and
 * dates over four months; about half of those who book apply in the same chat, before the session
 * (the shipped flow), the others after it; some change language, some attend and are then
 * corrected, some are handed to a person, some erase their data (as the eraser leaves it: their
 * events at the start of their London day, the `erased` event a bare anonymous count).
 *
 * `expectedOutcomes` computes the raw figures from the generator's own events in plain
 * JavaScript — the semantics of docs/outcomes.md written a second time, independently of the
 * SQL — so the tests compare the database's answer with a hand count.
 */
import type { Queryable } from '../../src/store/db.ts';
import type { BreakdownStep, FunnelStep, OutcomeFilters, OutcomeScope } from '../../src/domain/outcomes/outcomeReport.ts';
import { BREAKDOWN_STEPS, FUNNEL_STEPS } from '../../src/domain/outcomes/outcomeReport.ts';
import { loadPlacesReference, type Area } from '../../src/domain/places/placesReference.ts';
import { insertEvents, insertPartners, insertReferralCodes, type TestEvent } from './events.ts';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PARTNERS = [
  { id: 'pioneer', name: 'Pioneer Housing' },
  { id: 'bvsc', name: 'BVSC community hub' },
  { id: 'uhb', name: 'University Hospitals Birmingham' },
  { id: 'bcc', name: 'Birmingham City Council' },
  { id: 'uob', name: 'University of Birmingham' },
] as const;

/** Routes of three partners: two community partners and one employer that refers too. */
export const REFERRAL_CODES = [
  { code: 'PIONTEN1', partnerId: 'pioneer', label: 'Pioneer tenancy team' },
  { code: 'PIONYTH2', partnerId: 'pioneer', label: 'Pioneer youth club' },
  { code: 'BVSCHUB3', partnerId: 'bvsc', label: 'BVSC job club' },
  { code: 'BVSCLIB4', partnerId: 'bvsc', label: 'BVSC library sessions' },
  { code: 'UHBOPEN5', partnerId: 'uhb', label: 'UHB open day' },
] as const;

export const EMPLOYERS = ['uhb', 'bcc', 'uob'] as const;
export const VACANCIES = EMPLOYERS.flatMap((p) => [1, 2, 3].map((n) => ({ id: `${p}-v${n}`, partnerId: p })));
export const SESSIONS = ['s-oct-1', 's-oct-2', 's-sep-1', 's-nov-1', 's-aug-1', 's-jul-1'];
export const PROGRAMMES = ['hospitality-to-health', 'young-people'] as const;

const LANGUAGE_WEIGHTS: Array<[string, number]> = [
  ['en', 70],
  ['ur', 9],
  ['pa', 5],
  ['bn', 4],
  ['ar', 4],
  ['ro', 3],
  ['pl', 3],
  ['so', 2],
];
const AGE_WEIGHTS: Array<[string, number]> = [
  ['16-17', 6],
  ['18-24', 30],
  ['25-34', 24],
  ['35-49', 22],
  ['50-64', 15],
  ['65+', 3],
];

export interface ReachRow {
  conversationId: string;
  subject: string;
  referralCode: string | null;
  language: string;
  wardCode: string | null;
  imdDecile: number | null;
  ageBand: string | null;
  programmeId: string | null;
  consentedAt: Date;
}

export interface Population {
  seed: number;
  now: Date;
  events: TestEvent[];
  /** conversation_reach rows of the residents who did not erase. */
  reach: ReachRow[];
  residents: number;
}

export interface PopulationOptions {
  seed?: number;
  /** Conversations started (about 88% consent and become residents). */
  starters?: number;
  from?: Date;
  to?: Date;
  now?: Date;
}

const DAY = 86_400_000;

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

function weighted<T>(r: () => number, items: ReadonlyArray<[T, number]>): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let x = r() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items.at(-1)![0];
}

function uuid(r: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The start of the Europe/London day an instant falls in (what erasure keeps of an event's time). */
export function londonDayStart(at: Date): Date {
  const ymd = londonDate(at);
  for (const offsetHours of [1, 0]) {
    const t = new Date(Date.parse(`${ymd}T00:00:00Z`) - offsetHours * 3_600_000);
    if (londonDate(t) === ymd && londonDate(new Date(t.getTime() - 1)) !== ymd) return t;
  }
  throw new Error(`no London midnight for ${at.toISOString()}`);
}

function londonDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Days between the Europe/London dates of two instants. */
export function londonDaysBetween(a: number, b: number): number {
  return Math.round((Date.parse(`${londonDate(new Date(b))}T00:00:00Z`) - Date.parse(`${londonDate(new Date(a))}T00:00:00Z`)) / DAY);
}

/**
 * Generates the population. Each resident's events are at strictly increasing times (an erased
 * resident's at non-decreasing ones: the starts of their London days), in order in `events`, and
 * nothing is after `now` (a step that would be is not taken, nor any after it).
 */
export function generatePopulation(opts: PopulationOptions = {}): Population {
  const seed = opts.seed ?? 15;
  const r = rng(seed);
  const from = opts.from ?? new Date('2026-07-01T00:00:00Z');
  const to = opts.to ?? new Date('2026-11-10T00:00:00Z');
  const now = opts.now ?? new Date('2026-11-20T12:00:00Z');
  const starters = opts.starters ?? 6000;
  // Residents of decile-1 neighbourhoods are the programmes' aim and come more often.
  const areas: Array<[Area, number]> = loadPlacesReference()
    .areas()
    .map((a) => [a, a.decile === 1 ? 2 : a.decile <= 3 ? 1.2 : 1]);

  const events: TestEvent[] = [];
  const reach: ReachRow[] = [];
  let residents = 0;
  for (let i = 0; i < starters; i++) {
    const start = new Date(from.getTime() + Math.floor(r() * (to.getTime() - from.getTime())));
    const referral = r() < 0.4 ? null : pick(r, REFERRAL_CODES).code;
    let language = weighted(r, LANGUAGE_WEIGHTS);
    events.push({ subject: null, stage: 'started', at: start, referralCode: referral, language });
    if (r() < 0.12) continue; // left before consenting: an anonymous start only
    residents++;
    const subject = uuid(r);
    let t = start.getTime() + 60_000 + Math.floor(r() * 600_000);
    const dims: Omit<TestEvent, 'subject' | 'stage' | 'at'> = { referralCode: referral, language };
    const resident: TestEvent[] = [];
    let stopped = false;
    /** Adds an event `afterDays` after the previous one (plus a few minutes), unless it would be after now. */
    const add = (stage: TestEvent['stage'], afterDays: number, extra: Partial<TestEvent> = {}): boolean => {
      if (stopped) return false;
      const at = t + Math.floor(afterDays * DAY) + 60_000 + Math.floor(r() * 3_600_000);
      if (at > now.getTime()) {
        stopped = true;
        return false;
      }
      t = at;
      resident.push({ subject, stage, at: new Date(at), ...dims, ...extra });
      return true;
    };
    add('consented', 0);
    const consentedAt = resident[0]!.at;

    const known = r() < 0.93;
    const area = weighted(r, areas);
    const ageBand = r() < 0.97 ? weighted(r, AGE_WEIGHTS) : null;
    const programme = ageBand === '16-17' || ageBand === '18-24' ? (r() < 0.7 ? 'young-people' : 'hospitality-to-health') : 'hospitality-to-health';
    if (r() < 0.85) {
      Object.assign(dims, { wardCode: known ? area.ward.code : null, imdDecile: known ? area.decile : null, ageBand, programmeId: programme });
      const eligible = r() < 0.75;
      add('eligibility', r() * 4, { eligible, rule: eligible ? null : pick(r, ['age', 'right_to_work', 'area']) });
      if (r() < 0.05) {
        // Changed language mid-way: later events count in the new one.
        language = pick(r, ['en', 'ur', 'pl']);
        dims.language = language;
      }
      if (eligible) {
        type Job = { partnerId: string; vacancyId: string };
        const chooseJobs = (): Job[] => {
          const chosen = new Set<string>();
          const count = 1 + Math.floor(r() * 3);
          for (let k = 0; k < count; k++) chosen.add(pick(r, VACANCIES).id);
          return [...chosen].map((vacancyId) => ({ vacancyId, partnerId: VACANCIES.find((v) => v.id === vacancyId)!.partnerId }));
        };
        /** What an employer does with an application, from the latest event on. */
        const followUp = (job: Job) => {
          if (r() < 0.5 && add('shortlisted', 2 + r() * 8, job) && r() < 0.6 && add('interviewed', 2 + r() * 10, job) && r() < 0.5 && add('offered', 1 + r() * 7, job)) {
            if (r() < 0.7) add('started_job', 7 + r() * 21, job);
          }
        };
        let attendedAny = false;
        let appliedInChat: Job[] = [];
        if (r() < 0.6) {
          const sessions = r() < 0.15 ? 2 : 1;
          // The shipped flow: book, and apply in the same chat (minutes later), before the session.
          const applyInChat = r() < 0.5;
          for (let s = 0; s < sessions; s++) {
            const session = pick(r, SESSIONS);
            if (!add('booked', 1 + r() * 9, { sessionId: session })) break;
            if (s === 0 && applyInChat && r() < 0.7) {
              appliedInChat = chooseJobs();
              for (const job of appliedInChat) add('applied', 0, job);
            }
            const went = r() < 0.7;
            if (!add(went ? 'attended' : 'did_not_attend', 3 + r() * 10, { sessionId: session })) break;
            let outcome = went;
            if (r() < 0.1) {
              // A coordinator corrects the mark: the latest one counts.
              outcome = !went;
              if (!add(outcome ? 'attended' : 'did_not_attend', r() * 3, { sessionId: session })) break;
            }
            attendedAny ||= outcome;
          }
        }
        if (appliedInChat.length > 0) {
          for (const job of appliedInChat) followUp(job);
        } else if (r() < (attendedAny ? 0.75 : 0.35)) {
          // Applied after the session (or without one).
          for (const job of chooseJobs()) {
            if (!add('applied', 1 + r() * 12, job)) break;
            followUp(job);
          }
        }
      }
    }
    if (r() < 0.08) add('handed_off', r() * 5);
    const erased = r() < 0.05 && add('erased', r() * 10);
    if (erased) {
      // As the eraser leaves it: a fresh subject, every time at the start of its London day, and
      // the erasure itself a bare count for the day.
      const erasure = resident.pop()!;
      const fresh = uuid(r);
      for (const e of resident) Object.assign(e, { subject: fresh, at: londonDayStart(e.at) });
      resident.push({ subject: null, stage: 'erased', at: londonDayStart(erasure.at) });
    }
    events.push(...resident);
    if (!erased) {
      reach.push({
        conversationId: `pop-${seed}-${i}`,
        subject,
        referralCode: referral,
        language,
        wardCode: dims.wardCode ?? null,
        imdDecile: dims.imdDecile ?? null,
        ageBand: dims.ageBand ?? null,
        programmeId: dims.programmeId ?? null,
        consentedAt,
      });
    }
  }
  return { seed, now, events, reach, residents };
}

/** Partners, referral codes, every event, and a conversation with its reach row for each resident who did not erase. */
export async function insertPopulation(db: Queryable, pop: Population): Promise<void> {
  await insertPartners(db, PARTNERS);
  await insertReferralCodes(db, REFERRAL_CODES);
  await insertEvents(db, pop.events);
  const ids = pop.reach.map((x) => x.conversationId);
  await db.query(
    `INSERT INTO conversations (id, channel, user_id, consent, created_at) SELECT id, 'directline', id, true, at FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at)`,
    [ids, pop.reach.map((x) => x.consentedAt.toISOString())],
  );
  await db.query(
    `INSERT INTO conversation_reach (conversation_id, referral_code, subject, consented_at, language, ward_code, imd_decile, age_band, programme_id, created_at)
     SELECT c, rc, s, at, l, w, d, a, p, at FROM unnest($1::text[], $2::text[], $3::uuid[], $4::timestamptz[], $5::text[], $6::text[], $7::smallint[], $8::text[], $9::text[]) AS u(c, rc, s, at, l, w, d, a, p)`,
    [
      ids,
      pop.reach.map((x) => x.referralCode),
      pop.reach.map((x) => x.subject),
      pop.reach.map((x) => x.consentedAt.toISOString()),
      pop.reach.map((x) => x.language),
      pop.reach.map((x) => x.wardCode),
      pop.reach.map((x) => x.imdDecile),
      pop.reach.map((x) => x.ageBand),
      pop.reach.map((x) => x.programmeId),
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// The expected figures, counted by hand from the events.

export type StepCounts = Record<BreakdownStep, number | null>;

export interface ExpectedOutcomes {
  funnel: Record<FunnelStep, number | null>;
  /** Residents who reached both this step and the previous one (in any order): the conversion's numerator. */
  both: Partial<Record<FunnelStep, number>>;
  /** Lower median of London days from the previous step, over the residents who reached this one on the same day or later, and how many. */
  medians: Partial<Record<FunnelStep, { days: number; n: number }>>;
  deciles: number[];
  decileUnknown: number;
  handedToPerson: number;
  /** Anonymous erasures in the period; null where they do not apply (a partner, or a programme, route or decile filter). */
  erased: number | null;
  byWard: Map<string, StepCounts>;
  byReferral: Map<string, StepCounts>;
  byReferralDecile1: Map<string, StepCounts>;
  byLanguage: Map<string, StepCounts>;
  byAgeBand: Map<string, StepCounts>;
  weekly: Map<string, StepCounts>;
}

type ResidentStepName = Exclude<FunnelStep, 'started'>;
const RESIDENT_STEPS = FUNNEL_STEPS.filter((s): s is ResidentStepName => s !== 'started');
const EMPLOYER_STAGES = new Set(['applied', 'shortlisted', 'interviewed', 'offered', 'started_job']);

interface Resident {
  firstAt: number;
  dims: { ward: string | null; decile: number | null; age: string | null; language: string | null; referral: string | null; programme: string | null };
  first: Partial<Record<ResidentStepName, number>>;
  /** Latest attendance event per session. */
  latestAttendance: Map<string | null | undefined, TestEvent>;
  events: TestEvent[];
}

/** The Monday (Europe/London) of an instant's week, "2026-10-05". */
export function londonWeek(at: Date): string {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

function emptyCounts(startedApplies: boolean): StepCounts {
  return Object.fromEntries(BREAKDOWN_STEPS.map((s) => [s, s === 'started' && !startedApplies ? null : 0])) as StepCounts;
}

/** The raw (unsuppressed) figures the report should show, from the events alone. */
export function expectedOutcomes(pop: Population, scope: OutcomeScope, f: OutcomeFilters): ExpectedOutcomes {
  const now = pop.now.getTime();
  const own = new Set<string>(scope.kind === 'partner' ? REFERRAL_CODES.filter((c) => c.partnerId === scope.partnerId).map((c) => c.code) : []);
  const visible = (e: TestEvent) => scope.kind === 'network' || own.has(e.referralCode ?? '') || e.partnerId === scope.partnerId;
  const route = (code: string | null | undefined) => (code === null || code === undefined ? 'none' : scope.kind === 'network' || own.has(code) ? code : 'other');
  const inPeriod = (at: Date) => at.getTime() >= f.from.getTime() && at.getTime() < f.to.getTime();
  const employerOk = (e: TestEvent) => !EMPLOYER_STAGES.has(e.stage) || f.partnerId === undefined || e.partnerId === f.partnerId;

  // Residents from their visible events (events are in time order per resident).
  const residents = new Map<string, Resident>();
  for (const e of pop.events) {
    if (e.subject === null || e.at.getTime() > now || !visible(e)) continue;
    let res = residents.get(e.subject);
    if (!res) {
      res = { firstAt: e.at.getTime(), dims: { ward: null, decile: null, age: null, language: null, referral: null, programme: null }, first: {}, latestAttendance: new Map(), events: [] };
      residents.set(e.subject, res);
    }
    res.events.push(e);
    res.firstAt = Math.min(res.firstAt, e.at.getTime());
    const d = res.dims;
    if (e.wardCode !== null && e.wardCode !== undefined) d.ward = e.wardCode;
    if (e.imdDecile !== null && e.imdDecile !== undefined) d.decile = e.imdDecile;
    if (e.ageBand !== null && e.ageBand !== undefined) d.age = e.ageBand;
    if (e.language !== null && e.language !== undefined) d.language = e.language;
    if (e.referralCode !== null && e.referralCode !== undefined) d.referral = e.referralCode;
    if (e.programmeId !== null && e.programmeId !== undefined) d.programme = e.programmeId;
    const step: ResidentStepName | undefined =
      e.stage === 'eligibility' ? (e.eligible ? 'eligible' : undefined) : (RESIDENT_STEPS as readonly string[]).includes(e.stage) && e.stage !== 'attended' ? (e.stage as ResidentStepName) : undefined;
    if (step && employerOk(e) && res.first[step] === undefined) res.first[step] = e.at.getTime();
    if (e.stage === 'attended' || e.stage === 'did_not_attend') res.latestAttendance.set(e.sessionId, e);
  }
  for (const res of residents.values()) {
    const attended = [...res.latestAttendance.values()].filter((e) => e.stage === 'attended').map((e) => e.at.getTime());
    if (attended.length > 0) res.first.attended = Math.min(...attended);
  }

  const passes = (res: Resident, ignoreDecile = false) =>
    (f.programmeId === undefined || res.dims.programme === f.programmeId) &&
    (f.referralCode === undefined || res.dims.referral === f.referralCode) &&
    (ignoreDecile || f.imdDecile === undefined || res.dims.decile === f.imdDecile);
  const inCohort = (res: Resident) => inPeriod(new Date(res.firstAt));
  const startedApplies = f.programmeId === undefined && f.imdDecile === undefined;

  const out: ExpectedOutcomes = {
    funnel: Object.fromEntries(FUNNEL_STEPS.map((s) => [s, 0])) as Record<FunnelStep, number | null>,
    both: {},
    medians: {},
    deciles: Array.from({ length: 10 }, () => 0),
    decileUnknown: 0,
    handedToPerson: 0,
    erased: scope.kind === 'network' && f.programmeId === undefined && f.referralCode === undefined && f.imdDecile === undefined ? 0 : null,
    byWard: new Map(),
    byReferral: new Map(),
    byReferralDecile1: new Map(),
    byLanguage: new Map(),
    byAgeBand: new Map(),
    weekly: new Map(),
  };
  const bump = (table: Map<string, StepCounts>, key: string, step: BreakdownStep, startedRow = false) => {
    let row = table.get(key);
    if (!row) table.set(key, (row = emptyCounts(startedRow)));
    row[step] = (row[step] ?? 0) + 1;
  };

  // Anonymous starts.
  if (!startedApplies) out.funnel.started = null;
  for (const e of pop.events) {
    if (e.stage !== 'started' || !inPeriod(e.at) || e.at.getTime() > now) continue;
    if (scope.kind === 'partner' && !own.has(e.referralCode ?? '')) continue;
    if (f.referralCode !== undefined && e.referralCode !== f.referralCode) continue;
    if (!startedApplies) continue;
    out.funnel.started = (out.funnel.started ?? 0) + 1;
    bump(out.byReferral, route(e.referralCode), 'started', true);
    bump(out.byLanguage, e.language ?? '', 'started', true);
    bump(out.weekly, londonWeek(e.at), 'started', true);
  }

  // The cohort.
  const gaps: Partial<Record<FunnelStep, number[]>> = {};
  for (const res of residents.values()) {
    if (!inCohort(res) || !passes(res, true)) continue;
    const d = res.dims;
    const steps = RESIDENT_STEPS.filter((s) => res.first[s] !== undefined);
    if (d.decile === 1) for (const s of steps) if ((BREAKDOWN_STEPS as readonly string[]).includes(s)) bump(out.byReferralDecile1, route(d.referral), s as BreakdownStep);
    if (!passes(res)) continue;
    for (const s of steps) out.funnel[s] = (out.funnel[s] ?? 0) + 1;
    if (res.first.consented !== undefined) {
      if (d.decile === null) out.decileUnknown++;
      else out.deciles[d.decile - 1]!++;
    }
    for (let i = 1; i < RESIDENT_STEPS.length; i++) {
      const step = RESIDENT_STEPS[i]!;
      const a = res.first[RESIDENT_STEPS[i - 1]!];
      const b = res.first[step];
      if (a === undefined || b === undefined) continue;
      out.both[step] = (out.both[step] ?? 0) + 1;
      const days = londonDaysBetween(a, b);
      if (days >= 0) (gaps[step] ??= []).push(days);
    }
    for (const s of steps) {
      if (!(BREAKDOWN_STEPS as readonly string[]).includes(s)) continue;
      const step = s as BreakdownStep;
      bump(out.byWard, d.ward ?? '', step);
      bump(out.byReferral, route(d.referral), step, startedApplies);
      bump(out.byLanguage, d.language ?? '', step, startedApplies);
      bump(out.byAgeBand, d.age ?? '', step);
    }
  }
  for (const [step, list] of Object.entries(gaps)) {
    list.sort((x, y) => x - y);
    out.medians[step as FunnelStep] = { days: list[Math.ceil(list.length / 2) - 1]!, n: list.length };
  }

  // Erasures: bare counts of the day, the network's only.
  if (out.erased !== null) out.erased = pop.events.filter((e) => e.stage === 'erased' && e.subject === null && inPeriod(e.at) && e.at.getTime() <= now).length;

  // Activity per week, and handing to a person in the period: residents passing the filters, cohort or not.
  for (const res of residents.values()) {
    if (!passes(res)) continue;
    const seen = new Set<string>();
    const once = (key: string, fn: () => void) => {
      if (!seen.has(key)) {
        seen.add(key);
        fn();
      }
    };
    for (const e of res.events) {
      if (!inPeriod(e.at)) continue;
      const week = londonWeek(e.at);
      if (e.stage === 'handed_off') once('handed_off', () => out.handedToPerson++);
      const step = e.stage === 'eligibility' ? (e.eligible ? 'eligible' : undefined) : e.stage;
      if (step === undefined || step === 'attended' || !(BREAKDOWN_STEPS as readonly string[]).includes(step) || !employerOk(e)) continue;
      once(`${week} ${step}`, () => bump(out.weekly, week, step as BreakdownStep, startedApplies));
    }
    for (const e of res.latestAttendance.values()) {
      if (e.stage === 'attended' && inPeriod(e.at)) once(`${londonWeek(e.at)} attended`, () => bump(out.weekly, londonWeek(e.at), 'attended', startedApplies));
    }
  }
  return out;
}
