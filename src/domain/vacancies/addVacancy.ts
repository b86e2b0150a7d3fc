import type { Db } from '../../store/db.ts';
import { partnersRepo } from '../../store/partners/partnersRepo.ts';
import { vacanciesRepo } from '../../store/partners/vacanciesRepo.ts';
import { englishOf } from '../courses/courseFileSchema.ts';
import type { VacancyInput } from './partnerFileSchema.ts';

export type AddVacancyResult =
  | { type: 'added'; vacancyId: string }
  | { type: 'partnerNotFound'; partnerId: string }
  /** A vacancy with this id exists (of any partner): adding never changes one. */
  | { type: 'exists'; vacancyId: string };

/**
 * Adds a vacancy to a partner from the studio: `input` already passed `vacancyInputSchema`, the
 * schema of flows/partners.yaml. Like seeding, it inserts only what does not exist.
 */
export async function addVacancy(db: Db, partnerId: string, input: VacancyInput): Promise<AddVacancyResult> {
  return db.transaction(async (tx) => {
    if ((await partnersRepo.byIds(tx, [partnerId])).length === 0) return { type: 'partnerNotFound', partnerId } as const;
    const added = await vacanciesRepo.insertIfMissing(tx, {
      id: input.id,
      partnerId,
      role: englishOf(input.role),
      jobFamily: input.jobFamily,
      band: input.band,
      hoursPerWeek: input.hoursPerWeek,
      siteId: input.site.id,
      siteName: englishOf(input.site.name),
      closingDate: input.closingDate,
      startDate: input.startDate ?? null,
      minAge: input.minAge,
      requirements: input.requirements,
    }, 'studio');
    return added ? ({ type: 'added', vacancyId: input.id } as const) : ({ type: 'exists', vacancyId: input.id } as const);
  });
}
