import { z } from 'zod';
import { jobFamilySchema } from '../courses/courseFileSchema.ts';
import { formatDay } from '../shared/formatDay.ts';
import { localName } from '../shared/localName.ts';
import type { NoticeWriter } from '../shared/notices.ts';
import type { PersonSpec } from './personSpec.ts';
import type { VacancySummary } from './vacancySummary.ts';

/** Why a vacancy does not fit: one entry per rule that failed, so the bot can say each. */
export const mismatchSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('closed'), closingDate: z.string() }),
  z.object({ type: z.literal('jobFamily'), jobFamily: jobFamilySchema }),
  z.object({ type: z.literal('hours'), hoursPerWeek: z.number() }),
  z.object({ type: z.literal('site'), siteName: z.string() }),
  z.object({ type: z.literal('startDate'), startDate: z.string() }),
  z.object({ type: z.literal('minAge'), minAge: z.number() }),
  z.object({ type: z.literal('drivingLicence') }),
]);
export type Mismatch = z.infer<typeof mismatchSchema>;

/**
 * Pure: the reasons a vacancy does not fit a person ([] = it fits). `today` is a
 * YYYY-MM-DD date; a vacancy is open up to and including its closing date.
 */
export function matchVacancy(v: VacancySummary, spec: PersonSpec, today: string): Mismatch[] {
  const out: Mismatch[] = [];
  if (v.closingDate < today) out.push({ type: 'closed', closingDate: v.closingDate });
  if (!spec.jobFamilies.includes(v.jobFamily)) out.push({ type: 'jobFamily', jobFamily: v.jobFamily });
  const { min, max } = spec.hoursPerWeek;
  if ((min !== undefined && v.hoursPerWeek < min) || (max !== undefined && v.hoursPerWeek > max)) {
    out.push({ type: 'hours', hoursPerWeek: v.hoursPerWeek });
  }
  if (spec.sites && !spec.sites.includes(v.site.id)) out.push({ type: 'site', siteName: v.site.name });
  if (v.startDate && spec.availableFrom && spec.availableFrom > v.startDate) {
    out.push({ type: 'startDate', startDate: v.startDate });
  }
  if (spec.age < v.minAge) out.push({ type: 'minAge', minAge: v.minAge });
  for (const r of v.requirements) {
    switch (r) {
      case 'drivingLicence':
        if (!spec.hasDrivingLicence) out.push({ type: 'drivingLicence' });
        break;
    }
  }
  return out;
}

/** Plain words for a mismatch, in the resident's language (locales/<language>/notices.json). */
export function describeMismatch(m: Mismatch, w: NoticeWriter): string {
  switch (m.type) {
    case 'closed':
      return w.t('notices.vacancy.mismatch.closed', { date: formatDay(m.closingDate, w.locale) });
    case 'jobFamily':
      return w.t('notices.vacancy.mismatch.jobFamily');
    case 'hours':
      return w.t('notices.vacancy.mismatch.hours', { hours: m.hoursPerWeek });
    case 'site':
      return w.t('notices.vacancy.mismatch.site', { site: localName(w, 'site', m.siteName) });
    case 'startDate':
      return w.t('notices.vacancy.mismatch.startDate', { date: formatDay(m.startDate, w.locale) });
    case 'minAge':
      return w.t('notices.vacancy.mismatch.minAge', { age: m.minAge });
    case 'drivingLicence':
      return w.t('notices.vacancy.mismatch.drivingLicence');
  }
}
