import { z } from 'zod';
import { defineAction, type ActionContext, type DomainAction } from '../../engine/actions.ts';
import { applicationProfileSchema } from '../applications/applicationProfile.ts';
import { applicationStatus, applicationStatusResultSchema } from '../applications/applicationStatus.ts';
import { statusLine } from '../applications/statusReplies.ts';
import { grantedScopes } from '../../store/consentEvents.ts';
import { submitApplication, submitResultSchema } from '../applications/submitApplication.ts';
import { bookResultSchema, bookSession } from '../courses/bookSession.ts';
import { cancelBooking, cancelResultSchema } from '../courses/cancelBooking.ts';
import { changeBooking, changeResultSchema } from '../courses/changeBooking.ts';
import { jobFamilySchema } from '../courses/courseFileSchema.ts';
import { defaultCourseOptions, type BookingEnv, type CourseOptions } from '../courses/courseOptions.ts';
import { listSessions } from '../courses/listSessions.ts';
import { myBookings, myBookingSchema } from '../courses/myBookings.ts';
import { acceptSeatOffer, declineSeatOffer } from '../courses/seatOffers.ts';
import { localName } from '../shared/localName.ts';
import { vacancyLabel } from '../vacancies/vacancySummary.ts';
import { sessionLabel, sessionLine } from '../courses/sessionLabel.ts';
import { sessionSummarySchema } from '../courses/sessionSummary.ts';
import { formatDay } from '../shared/formatDay.ts';
import { noticeWriter, type Notices } from '../shared/notices.ts';
import { matchResultSchema, matchVacancies } from '../vacancies/matchVacancies.ts';
import { describeMismatch } from '../vacancies/matchVacancy.ts';
import { personSpecSchema } from '../vacancies/personSpec.ts';
import { flowBoolean, flowNumber, oneOrMany } from './flowParams.ts';

export interface JourneyDeps {
  courseOptions?: CourseOptions;
  /** Wording of summaries and labels in the resident's language (the same source as proactive notices). */
  notices: Notices;
}

/** The person specification as flat flow parameters. */
const specParams = z.object({
  jobFamilies: oneOrMany(jobFamilySchema).pipe(z.array(jobFamilySchema).min(1)),
  age: flowNumber.pipe(z.number().int().min(14).max(100)),
  hoursMin: flowNumber.optional(),
  hoursMax: flowNumber.optional(),
  sites: oneOrMany(z.string()).optional(),
  availableFrom: z.iso.date().optional(),
  hasDrivingLicence: flowBoolean.default(false),
});

function toSpec(p: z.output<typeof specParams>) {
  return personSpecSchema.parse({
    jobFamilies: p.jobFamilies,
    age: p.age,
    hoursPerWeek: { min: p.hoursMin, max: p.hoursMax },
    sites: p.sites && p.sites.length > 0 ? p.sites : undefined,
    availableFrom: p.availableFrom,
    hasDrivingLicence: p.hasDrivingLicence,
  });
}

const envOf = (ctx: ActionContext, options: CourseOptions): BookingEnv => ({ now: ctx.now, options });

/**
 * The resident-journey actions flows call by name. Each runs in the turn's transaction
 * (ctx.tx) and opens none of its own: its changes commit or roll back with the turn, and
 * no action needs a part of its work to roll back alone (refusals are checked before any
 * write). Results carry a `summary` (and sessions a
 * button `label`) in the resident's language (ctx.locale) where a flow may want to show a list.
 */
export function journeyActions(deps: JourneyDeps): DomainAction[] {
  const options = deps.courseOptions ?? defaultCourseOptions;
  const writerFor = (ctx: ActionContext) => noticeWriter(deps.notices, ctx.locale);
  const actions = [
    defineAction({
      name: 'listSessions',
      description: 'Upcoming course sessions of a programme with seats left (full ones too when includeFull).',
      params: z.object({
        programmeId: z.string().min(1),
        language: z.string().optional(),
        includeFull: flowBoolean.default(false),
      }),
      result: z.object({
        count: z.number(),
        firstSessionId: z.string().nullable(),
        sessions: z.array(sessionSummarySchema),
        summary: z.string(),
      }),
      run: async (p, ctx) => {
        const w = writerFor(ctx);
        const found = await listSessions(ctx.tx, {
          programmeId: p.programmeId,
          now: ctx.now,
          ...(p.language ? { language: p.language } : {}),
          includeFull: p.includeFull,
        });
        const sessions = found.map((s) => ({ ...s, label: sessionLabel(s, w) }));
        const summary = sessions
          .map((s, i) =>
            w.t(s.venue.accessible ? 'notices.session.listItemStepFree' : 'notices.session.listItem', {
              number: i + 1,
              label: s.label,
              line: sessionLine(s, w),
              seats: s.seatsLeft > 0 ? w.t('notices.session.seatsLeftCount', { count: s.seatsLeft }) : w.t('notices.session.full'),
            }),
          )
          .join('\n');
        return { count: sessions.length, firstSessionId: sessions[0]?.id ?? null, sessions, summary };
      },
    }),
    defineAction({
      name: 'bookSession',
      description: 'Books a seat, or joins the waiting list when the session is full. Booking twice returns the first booking.',
      params: z.object({ sessionId: z.string().min(1) }),
      result: bookResultSchema,
      run: (p, ctx) =>
        bookSession(ctx.tx, { conversationId: ctx.conversationId, sessionId: p.sessionId }, envOf(ctx, options)),
    }),
    defineAction({
      name: 'cancelBooking',
      description: 'Cancels the booking (or waiting-list place) for a session; the seat goes to the first person waiting.',
      params: z.object({ sessionId: z.string().min(1) }),
      result: cancelResultSchema,
      run: (p, ctx) =>
        cancelBooking(ctx.tx, { conversationId: ctx.conversationId, sessionId: p.sessionId }, envOf(ctx, options)),
    }),
    defineAction({
      name: 'changeBooking',
      description: 'Moves a booking to another session if it has a seat; otherwise nothing changes.',
      params: z.object({ fromSessionId: z.string().min(1), toSessionId: z.string().min(1) }),
      result: changeResultSchema,
      run: (p, ctx) =>
        changeBooking(ctx.tx, { conversationId: ctx.conversationId, ...p }, envOf(ctx, options)),
    }),
    defineAction({
      name: 'myBookings',
      description: "The resident's live bookings, waiting-list places and seat offers.",
      params: z.object({}),
      result: z.object({ count: z.number(), bookings: z.array(myBookingSchema), firstSessionId: z.string().nullable() }),
      run: async (_p, ctx) => {
        const w = writerFor(ctx);
        const bookings = (await myBookings(ctx.tx, ctx.conversationId, ctx.now)).map((b) => ({ ...b, session: { ...b.session, label: sessionLabel(b.session, w) } }));
        return { count: bookings.length, bookings, firstSessionId: bookings[0]?.session.id ?? null };
      },
    }),
    defineAction({
      name: 'acceptSeatOffer',
      description: 'Accepts the seat offered from the waiting list, if the offer is still open.',
      params: z.object({ offerId: flowNumber.pipe(z.number().int()).optional() }),
      result: z.discriminatedUnion('type', [
        z.object({ type: z.literal('booked'), bookingId: z.number(), sessionId: z.string() }),
        z.object({ type: z.literal('expired'), sessionId: z.string() }),
        z.object({ type: z.literal('noOffer') }),
      ]),
      run: (p, ctx) =>
        acceptSeatOffer(ctx.tx, { conversationId: ctx.conversationId, ...(p.offerId ? { offerId: p.offerId } : {}) }, envOf(ctx, options)),
    }),
    defineAction({
      name: 'declineSeatOffer',
      description: 'Declines the seat offered from the waiting list; it goes to the next person.',
      params: z.object({ offerId: flowNumber.pipe(z.number().int()).optional() }),
      result: z.discriminatedUnion('type', [
        z.object({ type: z.literal('declined'), sessionId: z.string() }),
        z.object({ type: z.literal('noOffer') }),
      ]),
      run: (p, ctx) =>
        declineSeatOffer(ctx.tx, { conversationId: ctx.conversationId, ...(p.offerId ? { offerId: p.offerId } : {}) }, envOf(ctx, options)),
    }),
    defineAction({
      name: 'matchVacancies',
      description: 'Open vacancies that fit the person specification, and why the others do not.',
      params: specParams,
      result: matchResultSchema.extend({ fittingCount: z.number(), fittingIds: z.array(z.string()), summary: z.string(), whyNot: z.string() }),
      run: async (p, ctx) => {
        const w = writerFor(ctx);
        const r = await matchVacancies(ctx.tx, toSpec(p), ctx.now);
        const summary = r.fitting
          .map((v, i) =>
            w.t('notices.vacancy.listItem', {
              number: i + 1,
              role: localName(w, 'role', v.role),
              partner: localName(w, 'partner', v.partnerName),
              site: localName(w, 'site', v.site.name),
              hours: v.hoursPerWeek,
              closes: formatDay(v.closingDate, w.locale),
            }),
          )
          .join('\n');
        const whyNot = r.notFitting
          .filter((n) => !n.reasons.some((x) => x.type === 'jobFamily' || x.type === 'closed'))
          .map((n) =>
            w.t('notices.vacancy.whyNot', {
              role: localName(w, 'role', n.vacancy.role),
              partner: localName(w, 'partner', n.vacancy.partnerName),
              reasons: n.reasons.map((m) => describeMismatch(m, w)).join(' '),
            }),
          )
          .join('\n');
        const fitting = r.fitting.map((v) => ({ ...v, label: vacancyLabel(v, w) }));
        return { ...r, fitting, fittingCount: fitting.length, fittingIds: fitting.map((v) => v.id), summary, whyNot };
      },
    }),
    defineAction({
      name: 'submitApplication',
      description: 'One application for the resident, linked to each chosen vacancy (all must fit and their partners be agreed to, or nothing is sent).',
      params: specParams.extend({
        vacancyIds: oneOrMany(z.string().min(1)).pipe(z.array(z.string()).min(1)),
        valuesStatements: oneOrMany(z.string()).default([]),
      }),
      result: submitResultSchema,
      run: async (p, ctx) => {
        const profile = applicationProfileSchema.parse({ ...toSpec(p), valuesStatements: p.valuesStatements.filter((s) => s.trim()) });
        const sharedWith = await grantedScopes(ctx.tx, ctx.conversationId, 'share_application');
        return submitApplication(ctx.tx, { conversationId: ctx.conversationId, profile, vacancyIds: p.vacancyIds, sharedWith }, ctx.now);
      },
    }),
    defineAction({
      name: 'applicationStatus',
      description: '"Where is my application?": the status for each vacancy applied to.',
      params: z.object({}),
      result: z.intersection(applicationStatusResultSchema, z.object({ summary: z.string() })),
      run: async (_p, ctx) => {
        const r = await applicationStatus(ctx.tx, ctx.conversationId);
        const summary =
          r.type === 'found'
            ? r.vacancies.map((v) => statusLine(v, v.status, writerFor(ctx))).join('\n')
            : '';
        return { ...r, summary };
      },
    }),
  ];
  return actions as unknown as DomainAction[];
}
