/**
 * Reads for a resident's copy of their data (subject access, issue 12): every row held about one
 * conversation, read-only. Rows are returned close to how they are stored; the domain
 * (domain/privacy/subjectAccess.ts) names and words them.
 */
import { z } from 'zod';
import type { Queryable } from './db.ts';

const date = z.coerce.date();
const optionalDate = z.coerce.date().nullable();

const conversationRowSchema = z
  .object({
    id: z.string(),
    channel: z.string(),
    user_id: z.string(),
    flow_id: z.string().nullable(),
    flow_version: z.string().nullable(),
    snapshot: z.unknown(),
    locale: z.string(),
    owner: z.string(),
    status: z.string(),
    consent: z.boolean(),
    address: z.unknown(),
    created_at: date,
    last_activity_at: date,
  })
  .transform((r) => ({
    id: r.id,
    channel: r.channel,
    userId: r.user_id,
    flowId: r.flow_id,
    flowVersion: r.flow_version,
    snapshot: r.snapshot ?? null,
    locale: r.locale,
    owner: r.owner,
    status: r.status,
    consent: r.consent,
    address: r.address ?? null,
    createdAt: r.created_at,
    lastActivityAt: r.last_activity_at,
  }));
export type ConversationRecord = z.output<typeof conversationRowSchema>;

/** The conversation's own row (answers are in its snapshot), or undefined when there is none. */
export async function conversationRecord(db: Queryable, conversationId: string): Promise<ConversationRecord | undefined> {
  const { rows } = await db.query(
    `SELECT id, channel, user_id, flow_id, flow_version, snapshot, locale, owner, status, consent, address, created_at, last_activity_at
       FROM conversations WHERE id = $1`,
    [conversationId],
  );
  return rows[0] ? conversationRowSchema.parse(rows[0]) : undefined;
}

const messageRowSchema = z
  .object({ seq: z.coerce.number(), direction: z.enum(['in', 'out']), body: z.unknown(), created_at: date })
  .transform((r) => ({ seq: r.seq, direction: r.direction, body: r.body, createdAt: r.created_at }));
export type StoredMessage = z.output<typeof messageRowSchema>;

/** The whole transcript, oldest first (bodies as stored: inbound bodies and Reply objects). */
export async function transcriptOf(db: Queryable, conversationId: string): Promise<StoredMessage[]> {
  const { rows } = await db.query(`SELECT seq, direction, body, created_at FROM messages WHERE conversation_id = $1 ORDER BY seq`, [conversationId]);
  return rows.map((r) => messageRowSchema.parse(r));
}

const bookingRowSchema = z
  .object({
    id: z.coerce.number(),
    status: z.string(),
    queue_no: z.coerce.number().nullable(),
    created_at: date,
    updated_at: date,
    course_name: z.string(),
    starts_at: date,
    ends_at: date,
    venue_name: z.string(),
    venue_address: z.string(),
    attended: z.boolean().nullable(),
    attendance_source: z.enum(['coordinator', 'resident']).nullable(),
  })
  .transform((r) => ({
    id: r.id,
    status: r.status,
    queueNo: r.queue_no,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    courseName: r.course_name,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    venueName: r.venue_name,
    venueAddress: r.venue_address,
    /** Whether they went (session_attendance), and who said so; null when nobody has. */
    attendance: r.attended === null ? null : { attended: r.attended, source: r.attendance_source },
  }));
export type BookingRecord = z.output<typeof bookingRowSchema>;

/** Every booking and waiting-list place, with its course, session time, venue and whether they went. */
export async function bookingsOf(db: Queryable, conversationId: string): Promise<BookingRecord[]> {
  const { rows } = await db.query(
    `SELECT b.id, b.status, b.queue_no, b.created_at, b.updated_at, c.name AS course_name, s.starts_at, s.ends_at, s.venue_name, s.venue_address,
            a.attended, a.source AS attendance_source
       FROM bookings b JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
       LEFT JOIN session_attendance a ON a.booking_id = b.id
      WHERE b.conversation_id = $1 ORDER BY b.created_at, b.id`,
    [conversationId],
  );
  return rows.map((r) => bookingRowSchema.parse(r));
}

const seatOfferRowSchema = z
  .object({ id: z.coerce.number(), booking_id: z.coerce.number(), status: z.string(), course_name: z.string(), starts_at: date, expires_at: date, created_at: date, decided_at: optionalDate })
  .transform((r) => ({
    id: r.id,
    bookingId: r.booking_id,
    status: r.status,
    courseName: r.course_name,
    startsAt: r.starts_at,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
  }));
export type SeatOfferRecord = z.output<typeof seatOfferRowSchema>;

/** Seats offered from a waiting list, and what became of each offer. */
export async function seatOffersOf(db: Queryable, conversationId: string): Promise<SeatOfferRecord[]> {
  const { rows } = await db.query(
    `SELECT o.id, o.booking_id, o.status, c.name AS course_name, s.starts_at, o.expires_at, o.created_at, o.decided_at
       FROM seat_offers o JOIN bookings b ON b.id = o.booking_id JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
      WHERE b.conversation_id = $1 ORDER BY o.created_at, o.id`,
    [conversationId],
  );
  return rows.map((r) => seatOfferRowSchema.parse(r));
}

const applicationRowSchema = z
  .object({ id: z.coerce.number(), profile: z.unknown(), created_at: date, updated_at: date })
  .transform((r) => ({ id: r.id, profile: r.profile, createdAt: r.created_at, updatedAt: r.updated_at }));
const applicationLineRowSchema = z
  .object({ vacancy_id: z.string(), role: z.string(), partner_name: z.string(), site_name: z.string(), status: z.string(), created_at: date, updated_at: date })
  .transform((r) => ({
    vacancyId: r.vacancy_id,
    role: r.role,
    partnerName: r.partner_name,
    siteName: r.site_name,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
export type ApplicationRecord = z.output<typeof applicationRowSchema> & { vacancies: Array<z.output<typeof applicationLineRowSchema>> };

/** The one application (its profile) and each vacancy it went to, or undefined. */
export async function applicationOf(db: Queryable, conversationId: string): Promise<ApplicationRecord | undefined> {
  const { rows } = await db.query(`SELECT id, profile, created_at, updated_at FROM applications WHERE conversation_id = $1`, [conversationId]);
  if (!rows[0]) return undefined;
  const application = applicationRowSchema.parse(rows[0]);
  const lines = await db.query(
    `SELECT av.vacancy_id, v.role, p.name AS partner_name, v.site_name, av.status, av.created_at, av.updated_at
       FROM application_vacancies av JOIN vacancies v ON v.id = av.vacancy_id JOIN partners p ON p.id = v.partner_id
      WHERE av.application_id = $1 ORDER BY av.id`,
    [application.id],
  );
  return { ...application, vacancies: lines.rows.map((r) => applicationLineRowSchema.parse(r)) };
}

const handoffRowSchema = z
  .object({
    id: z.coerce.number(),
    reason: z.string(),
    urgency: z.string(),
    status: z.string(),
    summary: z.unknown(),
    age: z.string().nullable(),
    adviser_name: z.string().nullable(),
    requested_at: date,
    claimed_at: optionalDate,
    ended_at: optionalDate,
    left_reason: z.string().nullable(),
    contact_method: z.string().nullable(),
    contact_value: z.string().nullable(),
    contact_consent_at: optionalDate,
  })
  .transform((r) => ({
    id: r.id,
    reason: r.reason,
    urgency: r.urgency,
    status: r.status,
    summary: r.summary,
    age: r.age,
    adviserName: r.adviser_name,
    requestedAt: r.requested_at,
    claimedAt: r.claimed_at,
    endedAt: r.ended_at,
    leftReason: r.left_reason,
    contactMethod: r.contact_method,
    contactValue: r.contact_value,
    contactConsentAt: r.contact_consent_at,
  }));
export type HandoffRecord = z.output<typeof handoffRowSchema>;

/** Every time the resident was passed to an adviser: why, when, the summary the adviser saw, how to contact them. */
export async function handoffsOf(db: Queryable, conversationId: string): Promise<HandoffRecord[]> {
  const { rows } = await db.query(
    `SELECT id, reason, urgency, status, summary, age, adviser_name, requested_at, claimed_at, ended_at, left_reason,
            contact_method, contact_value, contact_consent_at
       FROM handoffs WHERE conversation_id = $1 ORDER BY requested_at, id`,
    [conversationId],
  );
  return rows.map((r) => handoffRowSchema.parse(r));
}
