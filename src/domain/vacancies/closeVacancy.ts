import type { Db } from '../../store/db.ts';
import { vacanciesRepo } from '../../store/partners/vacanciesRepo.ts';
import { londonDate } from './matchVacancies.ts';

export type CloseVacancyResult =
  | { type: 'closed'; closingDate: string; was: string }
  | { type: 'alreadyClosed'; closingDate: string }
  | { type: 'notFound' };

/** The YYYY-MM-DD date before a YYYY-MM-DD date. */
export function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Closes a vacancy today, the way vacancies already close: its closing date becomes yesterday
 * (London), so matching lists it as closed ("closed on …") and a new application to it is
 * refused (matchVacancy); applications already made are untouched.
 */
export async function closeVacancy(db: Db, vacancyId: string, now: Date): Promise<CloseVacancyResult> {
  return db.transaction(async (tx) => {
    const [v] = await vacanciesRepo.byIds(tx, [vacancyId], { lock: true });
    if (!v) return { type: 'notFound' } as const;
    const today = londonDate(now);
    if (v.closingDate < today) return { type: 'alreadyClosed', closingDate: v.closingDate } as const;
    const closingDate = dayBefore(today);
    await vacanciesRepo.setClosingDate(tx, vacancyId, closingDate);
    return { type: 'closed', closingDate, was: v.closingDate } as const;
  });
}
