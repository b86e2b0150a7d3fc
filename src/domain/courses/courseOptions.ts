import { z } from 'zod';

/** Settings of the booking rules (the lead maps them from config). */
export const courseOptionsSchema = z.object({
  /** How long a freed seat is held for the first waiting person. */
  seatOfferTtlMs: z.number().int().positive().default(24 * 3600_000),
  /** Reminders before a session starts, e.g. two days and two hours. */
  reminderOffsetsMs: z.array(z.number().int().positive()).default([2 * 24 * 3600_000, 2 * 3600_000]),
});
export type CourseOptions = z.infer<typeof courseOptionsSchema>;

export const defaultCourseOptions: CourseOptions = courseOptionsSchema.parse({});

/** What the booking functions need besides a connection. */
export interface BookingEnv {
  now: Date;
  options: CourseOptions;
}
