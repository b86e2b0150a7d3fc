import { z } from 'zod';
import type { Queryable } from '../../store/db.ts';
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

const rowSchema = z.object({
  id: z.number(),
  application_id: z.number(),
  vacancy_id: z.string(),
  role: z.string(),
  site_name: z.string(),
  status: z.string(),
  created_at: z.date(),
  updated_at: z.date(),
  profile: z.unknown(),
});

/**
 * The applications to one partner's vacancies as CSV. Only that partner's rows: the
 * partner id is in the WHERE clause, never a filter applied afterwards.
 */
export async function exportPartnerApplications(db: Queryable, partnerId: string): Promise<ExportResult> {
  const partner = await db.query(`SELECT id FROM partners WHERE id = $1`, [partnerId]);
  if (partner.rows.length === 0) return { type: 'unknownPartner', partnerId };
  const { rows } = await db.query(
    `SELECT av.id, av.application_id, av.vacancy_id, v.role, v.site_name, av.status, av.created_at, av.updated_at, a.profile
     FROM application_vacancies av
     JOIN vacancies v ON v.id = av.vacancy_id
     JOIN applications a ON a.id = av.application_id
     WHERE v.partner_id = $1
     ORDER BY av.id`,
    [partnerId],
  );
  const lines = rows.map((raw) => {
    const r = rowSchema.parse(raw);
    const p = applicationProfileSchema.safeParse(r.profile);
    const profile = p.success ? p.data : undefined;
    return [
      r.id,
      r.application_id,
      r.vacancy_id,
      r.role,
      r.site_name,
      r.status,
      r.created_at,
      r.updated_at,
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
