/** Job kinds owned by the courses domain (handlers in courseJobHandlers.ts). */
export const COURSE_JOBS = {
  reminder: 'courseReminder',
  seatOfferNotice: 'seatOfferNotice',
  seatOfferExpiry: 'seatOfferExpiry',
  sessionCancelledNotice: 'sessionCancelledNotice',
} as const;

export const reminderKey = (bookingId: number, offsetMs: number) => `course-reminder:${bookingId}:${offsetMs}`;
export const offerNoticeKey = (offerId: number) => `seat-offer-notice:${offerId}`;
export const cancelledNoticeKey = (bookingId: number) => `session-cancelled-notice:${bookingId}`;
export const offerExpiryKey = (offerId: number) => `seat-offer-expiry:${offerId}`;
