import type { Db } from '../../store/db.ts';
import { loadYamlFile } from '../shared/yamlFile.ts';
import { partnerFileSchema, type PartnerFile } from './partnerFileSchema.ts';

/**
 * Loads flows/partners.yaml in one transaction. Ids come from the file, so seeding again
 * updates in place; vacancies no longer in the file are kept (applications point at them).
 * @throws DataFileError naming the file and the path of every problem.
 */
export async function seedPartners(db: Db, file = 'flows/partners.yaml'): Promise<{ partners: number; vacancies: number }> {
  return seedPartnerData(db, await loadYamlFile(file, partnerFileSchema));
}

export async function seedPartnerData(db: Db, data: PartnerFile): Promise<{ partners: number; vacancies: number }> {
  return db.transaction(async (tx) => {
    let vacancies = 0;
    for (const p of data.partners) {
      await tx.query(
        `INSERT INTO partners (id, name) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()`,
        [p.id, p.name],
      );
      for (const v of p.vacancies) {
        await tx.query(
          `INSERT INTO vacancies (id, partner_id, role, job_family, band, hours_per_week, site_id, site_name,
             closing_date, start_date, min_age, requirements)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (id) DO UPDATE SET partner_id = EXCLUDED.partner_id, role = EXCLUDED.role,
             job_family = EXCLUDED.job_family, band = EXCLUDED.band, hours_per_week = EXCLUDED.hours_per_week,
             site_id = EXCLUDED.site_id, site_name = EXCLUDED.site_name, closing_date = EXCLUDED.closing_date,
             start_date = EXCLUDED.start_date, min_age = EXCLUDED.min_age, requirements = EXCLUDED.requirements,
             updated_at = now()`,
          [v.id, p.id, v.role, v.jobFamily, v.band, v.hoursPerWeek, v.site.id, v.site.name, v.closingDate,
            v.startDate ?? null, v.minAge, v.requirements],
        );
        vacancies++;
      }
    }
    return { partners: data.partners.length, vacancies };
  });
}
