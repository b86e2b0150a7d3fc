import { z } from 'zod';
import type { Queryable } from '../db.ts';

const openOfferRow = z
  .object({ id: z.number(), booking_id: z.number(), session_id: z.string(), expires_at: z.date(), starts_at: z.date() })
  .transform((r) => ({ id: r.id, bookingId: r.booking_id, sessionId: r.session_id, expiresAt: r.expires_at, startsAt: r.starts_at }));
export type OpenOffer = z.output<typeof openOfferRow>;

const noticeRow = z.object({ conversation_id: z.string(), session_id: z.string(), expires_at: z.date(), locale: z.string() });

/** The one writer of seat_offers: a freed seat held for the first person waiting until it expires. */
export const seatOffersRepo = {
  async open(tx: Queryable, bookingId: number, expiresAt: Date): Promise<number> {
    const { rows } = await tx.query(`INSERT INTO seat_offers (booking_id, status, expires_at) VALUES ($1, 'open', $2) RETURNING id`, [
      bookingId,
      expiresAt,
    ]);
    return z.number().parse(rows[0]?.id);
  },

  /**
   * The first open offer of a conversation (or the given offer), with its booking row:
   * both stay locked to the end of the transaction.
   */
  async lockOpen(tx: Queryable, where: { conversationId?: string; offerId?: number }): Promise<OpenOffer | undefined> {
    const { rows } = await tx.query(
      `SELECT o.id, o.booking_id, b.session_id, o.expires_at, s.starts_at
       FROM seat_offers o JOIN bookings b ON b.id = o.booking_id JOIN course_sessions s ON s.id = b.session_id
       WHERE o.status = 'open' AND ($1::text IS NULL OR b.conversation_id = $1) AND ($2::bigint IS NULL OR o.id = $2)
       ORDER BY o.id LIMIT 1
       FOR NO KEY UPDATE OF o, b`,
      [where.conversationId ?? null, where.offerId ?? null],
    );
    return rows[0] ? openOfferRow.parse(rows[0]) : undefined;
  },

  async decide(tx: Queryable, offerId: number, outcome: 'accepted' | 'declined' | 'expired', at: Date): Promise<void> {
    await tx.query(`UPDATE seat_offers SET status = $2, decided_at = $3 WHERE id = $1`, [offerId, outcome, at]);
  },

  /** Withdraws the booking's open offers; returns their ids. */
  async withdrawOpen(tx: Queryable, bookingId: number, at: Date): Promise<number[]> {
    const { rows } = await tx.query(
      `UPDATE seat_offers SET status = 'withdrawn', decided_at = $2 WHERE booking_id = $1 AND status = 'open' RETURNING id`,
      [bookingId, at],
    );
    return rows.map((r) => z.number().parse(r.id));
  },

  /** Who to tell of a still-open offer, in which language. */
  async noticeTarget(
    tx: Queryable,
    offerId: number,
  ): Promise<{ conversationId: string; sessionId: string; expiresAt: Date; locale: string } | undefined> {
    const { rows } = await tx.query(
      `SELECT b.conversation_id, b.session_id, o.expires_at, c.locale FROM seat_offers o JOIN bookings b ON b.id = o.booking_id
       JOIN conversations c ON c.id = b.conversation_id
       WHERE o.id = $1 AND o.status = 'open'`,
      [offerId],
    );
    if (!rows[0]) return undefined;
    const r = noticeRow.parse(rows[0]);
    return { conversationId: r.conversation_id, sessionId: r.session_id, expiresAt: r.expires_at, locale: r.locale };
  },
};
