import { coursesRepo } from '../../store/courses/coursesRepo.ts';
import { courseSessionsRepo } from '../../store/courses/courseSessionsRepo.ts';
import type { Db } from '../../store/db.ts';
import type { SessionInput } from './courseFileSchema.ts';
import type { BookingEnv } from './courseOptions.ts';
import { COURSE_TIME_ZONE } from './formatWhen.ts';
import { sessionValues } from './upsertSession.ts';

export type AddSessionResult =
  | { type: 'added'; sessionId: string }
  | { type: 'courseNotFound'; courseId: string }
  /** A session with this id exists (in any course): adding never changes one. */
  | { type: 'exists'; sessionId: string }
  /** It would start now or earlier: nobody could book it. */
  | { type: 'inPast'; sessionId: string };

class InPast extends Error {}

/**
 * Adds a session to a course from the studio: `input` already passed `sessionInputSchema`, the
 * schema of flows/courses.yaml and of `import sessions`. Marked as the studio's (source 'studio'),
 * so `db seed` never overwrites it (flows/README.md, "the file or the database?").
 */
export async function addSession(db: Db, courseId: string, input: SessionInput, env: BookingEnv): Promise<AddSessionResult> {
  try {
    return await db.transaction(async (tx) => {
      if ((await coursesRepo.byIds(tx, [courseId])).length === 0) return { type: 'courseNotFound', courseId } as const;
      if (!(await courseSessionsRepo.insertIfMissing(tx, sessionValues(courseId, input), 'studio', COURSE_TIME_ZONE))) {
        return { type: 'exists', sessionId: input.id } as const;
      }
      // The local date and time become an instant with Postgres's time zone rules: compare that.
      const startsAt = await courseSessionsRepo.startsAt(tx, input.id);
      if (!startsAt || startsAt <= env.now) throw new InPast();
      return { type: 'added', sessionId: input.id } as const;
    });
  } catch (err) {
    if (err instanceof InPast) return { type: 'inPast', sessionId: input.id };
    throw err;
  }
}
