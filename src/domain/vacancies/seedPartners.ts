import type { Db } from '../../store/db.ts';
import { lockSeeding } from '../../store/lockSeeding.ts';
import { partnersRepo, type PartnerValues } from '../../store/partners/partnersRepo.ts';
import { vacanciesRepo, type VacancyValues } from '../../store/partners/vacanciesRepo.ts';
import type { SeedConflict, SeedMode, Shown } from '../coordinatorData/seedConflict.ts';
import { seedRows } from '../coordinatorData/seedRows.ts';
import { loadYamlFile } from '../shared/yamlFile.ts';
import { englishOf } from '../courses/courseFileSchema.ts';
import { partnerFileSchema, type PartnerFile } from './partnerFileSchema.ts';

export interface SeedPartnersReport {
  /** Partners and vacancies in the file. */
  partners: number;
  vacancies: number;
  /** Rows that did not exist and were added (in 'check' mode: would be). */
  added: { partners: number; vacancies: number };
  /** Existing rows changed to the file's values ('applyFile' only). */
  updated: { partners: number; vacancies: number };
  conflicts: SeedConflict[];
}

export interface SeedPartnersOptions {
  /** Default 'insertNew': what every start-up does (see SeedMode). */
  mode?: SeedMode;
  /** The name conflicts are reported under. */
  file?: string;
}

const partnerFields = (p: PartnerValues): Record<string, Shown> => ({ name: p.name });

/** A vacancy's fields as flows/partners.yaml names them. */
const vacancyFields = (v: VacancyValues): Record<string, Shown> => ({
  partner: v.partnerId,
  role: v.role,
  jobFamily: v.jobFamily,
  band: v.band,
  hoursPerWeek: v.hoursPerWeek,
  'site.id': v.siteId,
  'site.name': v.siteName,
  closingDate: v.closingDate,
  startDate: v.startDate,
  minAge: v.minAge,
  requirements: v.requirements,
});

/**
 * Loads flows/partners.yaml in one transaction: what the file adds is inserted; what
 * exists is kept or, with mode 'applyFile', updated (see SeedMode). Vacancies no longer
 * in the file are kept (applications point at them). Differences not applied are
 * reported in `conflicts`.
 * @throws DataFileError naming the file and the path of every problem.
 */
export async function seedPartners(db: Db, file = 'flows/partners.yaml', opts: SeedPartnersOptions = {}): Promise<SeedPartnersReport> {
  return seedPartnerData(db, await loadYamlFile(file, partnerFileSchema), { file, ...opts });
}

export async function seedPartnerData(db: Db, data: PartnerFile, opts: SeedPartnersOptions = {}): Promise<SeedPartnersReport> {
  const mode = opts.mode ?? 'insertNew';
  const file = opts.file ?? 'flows/partners.yaml';
  const partners = data.partners.map((p): PartnerValues => ({ id: p.id, name: p.name }));
  const vacancies = data.partners.flatMap((p) =>
    p.vacancies.map(
      (v): VacancyValues => ({
        id: v.id,
        partnerId: p.id,
        role: englishOf(v.role),
        jobFamily: v.jobFamily,
        band: v.band,
        hoursPerWeek: v.hoursPerWeek,
        siteId: v.site.id,
        siteName: englishOf(v.site.name),
        closingDate: v.closingDate,
        startDate: v.startDate ?? null,
        minAge: v.minAge,
        requirements: v.requirements,
      }),
    ),
  );
  const report: SeedPartnersReport = {
    partners: partners.length,
    vacancies: vacancies.length,
    added: { partners: 0, vacancies: 0 },
    updated: { partners: 0, vacancies: 0 },
    conflicts: [],
  };
  return db.transaction(async (tx) => {
    if (mode !== 'check') await lockSeeding(tx);
    const p = await seedRows(tx, partners, partnersRepo, partnerFields, { mode, file, kind: 'partner', conflicts: report.conflicts });
    const v = await seedRows(tx, vacancies, vacanciesRepo, vacancyFields, {
      mode,
      file,
      kind: 'vacancy',
      conflicts: report.conflicts,
      // Closed, reopened or added in the studio: the database is the coordinator's latest word.
      kept: (stored) => (stored.source === 'studio' ? 'changedInStudio' : undefined),
    });
    report.added = { partners: p.added, vacancies: v.added };
    report.updated = { partners: p.updated, vacancies: v.updated };
    return report;
  });
}
