import { listPartnerApplicationLines } from '../../store/applications.ts';
import type { Queryable } from '../../store/db.ts';
import { partnerExists } from '../../store/partners/vacancyQueries.ts';
import { toCsv } from '../shared/csv.ts';
import { applicationProfileSchema } from './applicationProfile.ts';

export type ExportResult = { type: 'csv'; csv: string; rows: number } | { type: 'unknownPartner'; partnerId: string };

export const EXPORT_COLUMNS = [
  'application_vacancy_id',
  'application_id',
  'vacancy_id',
  'role',
  'site',
  'status',
  'applied_at',
  'updated_at',
  'age',
  'job_families',
  'hours_min',
  'hours_max',
  'available_from',
  'driving_licence',
  'values_statements',
];

/**
 * The applications to one partner's vacancies as CSV. Only that partner's rows: the
 * repository filters by partner in its query.
 */
export async function exportPartnerApplications(db: Queryable, partnerId: string): Promise<ExportResult> {
  if (!(await partnerExists(db, partnerId))) return { type: 'unknownPartner', partnerId };
  const lines = (await listPartnerApplicationLines(db, partnerId)).map((r) => {
    const p = applicationProfileSchema.safeParse(r.profile);
    const profile = p.success ? p.data : undefined;
    return [
      r.applicationVacancyId,
      r.applicationId,
      r.vacancyId,
      r.role,
      r.siteName,
      r.status,
      r.createdAt,
      r.updatedAt,
      profile?.age,
      profile?.jobFamilies.join(' '),
      profile?.hoursPerWeek.min,
      profile?.hoursPerWeek.max,
      profile?.availableFrom,
      profile ? (profile.hasDrivingLicence ? 'yes' : 'no') : '',
      profile?.valuesStatements.join('\n\n'),
    ];
  });
  return { type: 'csv', csv: toCsv(EXPORT_COLUMNS, lines), rows: lines.length };
}
