import type { Db } from '../../store/db.ts';
import { vacanciesRepo } from '../../store/partners/vacanciesRepo.ts';
import { londonDate } from './matchVacancies.ts';
import { vacancyInputSchema } from './partnerFileSchema.ts';

export type ReopenVacancyResult =
  | { type: 'reopened'; closingDate: string; was: string }
  /** The new closing date is before today: it would still be closed. */
  | { type: 'pastDate'; today: string }
  /** The vacancy with this closing date would fail the schema of flows/partners.yaml. */
  | { type: 'invalid'; message: string }
  | { type: 'notFound' };

/**
 * Opens a vacancy again until `closingDate` (today or later), checked with the vacancy's other
 * values against the schema of flows/partners.yaml (a start date must not be before it). Also
 * moves the closing date of a vacancy still open.
 */
export async function reopenVacancy(db: Db, vacancyId: string, closingDate: string, now: Date): Promise<ReopenVacancyResult> {
  return db.transaction(async (tx) => {
    const [v] = await vacanciesRepo.byIds(tx, [vacancyId], { lock: true });
    if (!v) return { type: 'notFound' } as const;
    const today = londonDate(now);
    if (closingDate < today) return { type: 'pastDate', today } as const;
    const checked = vacancyInputSchema.safeParse({
      id: v.id,
      role: v.role,
      jobFamily: v.jobFamily,
      band: v.band,
      hoursPerWeek: v.hoursPerWeek,
      site: { id: v.siteId, name: v.siteName },
      closingDate,
      ...(v.startDate ? { startDate: v.startDate } : {}),
      minAge: v.minAge,
      requirements: v.requirements,
    });
    if (!checked.success) return { type: 'invalid', message: checked.error.issues.map((i) => i.message).join('; ') } as const;
    await vacanciesRepo.setClosingDate(tx, vacancyId, closingDate);
    return { type: 'reopened', closingDate, was: v.closingDate } as const;
  });
}
