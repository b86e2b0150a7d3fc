import { readDataNames, withDataNames } from '../../../src/flows/dataNames.ts';
import type { Db } from '../../../src/store/db.ts';
import { defaultCourseOptions } from '../../../src/domain/courses/courseOptions.ts';
import { seedCourseData } from '../../../src/domain/courses/seedCourses.ts';
import { noticesFromTranslator, type Notices } from '../../../src/domain/shared/notices.ts';
import { createTranslator, loadLocales } from '../../../src/i18n.ts';

/** "Today" in these tests; the seeded session starts ten days later. */
export const NOW = new Date('2027-01-01T09:00:00Z');
export const env = { now: NOW, options: { ...defaultCourseOptions, seatOfferTtlMs: 3600_000 } };

export async function addConversations(db: Db, prefix: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  await db.query(
    `INSERT INTO conversations (id, channel, user_id) SELECT x, 'test', x FROM unnest($1::text[]) AS x`,
    [ids],
  );
  return ids;
}

export async function seedSession(db: Db, sessionId: string, capacity: number, startDate = '2027-01-11'): Promise<void> {
  await seedCourseData(
    db,
    {
      courses: [
        {
          id: `course-${sessionId}`,
          name: 'Test course',
          programme: 'i-can',
          jobFamily: 'facilities',
          lengthWeeks: 5,
          guaranteedInterview: true,
          languages: ['en'],
          sessions: [
            {
              id: sessionId,
              venue: { name: 'Hall', address: '1 Road, Birmingham B1 1AA', accessible: true },
              startDate,
              startTime: '09:30',
              endTime: '15:00',
              capacity,
            },
          ],
        },
      ],
    },
    { now: NOW, options: env.options },
  );
}

export async function counts(db: Db, sessionId: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM bookings WHERE session_id = $1 GROUP BY status`,
    [sessionId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Notices from the shipped wording (locales/), as the app builds them. */
export async function loadNotices(): Promise<Notices> {
  // As the app loads them: the wording plus the names in flows/courses.yaml and partners.yaml.
  return noticesFromTranslator(await createTranslator(withDataNames(await loadLocales('locales'), await readDataNames('flows'))));
}

/** The resident chose a language (what the engine stores when they do). */
export async function setLocale(db: Db, conversationId: string, locale: string): Promise<void> {
  await db.query(`UPDATE conversations SET locale = $2 WHERE id = $1`, [conversationId, locale]);
}
