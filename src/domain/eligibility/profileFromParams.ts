import { z } from 'zod';
import { employmentStatusSchema, profileSchema, type EmploymentStatus, type Profile } from './profile.ts';

/**
 * What a flow may pass: answers as it stored them, strings or numbers, any of them absent.
 * Blank or unreadable answers count as not given, so the decision asks again instead of failing.
 */
const loose = z.union([z.string().max(200), z.number(), z.boolean(), z.null()]).optional();
export const profileParamsSchema = z.object({
  age: loose,
  /** An age band choice: "16_17", "18-24", "25_plus", "25+", "under_16". */
  ageBand: loose,
  postcode: z.string().max(40).optional(),
  council: loose,
  councilName: loose,
  councilApproximate: loose,
  ward: loose,
  wardName: loose,
  imdDecile: loose,
  imdCovered: loose,
  employmentStatus: loose,
  /** Years since last hospitality job; 0 = now; "never" (or null) = never. */
  hospitalityYearsAgo: loose,
  atRiskOfRedundancy: loose,
  rightToWork: loose,
});
export type ProfileParams = z.infer<typeof profileParamsSchema>;
type Loose = z.infer<typeof loose>;

function text(v: Loose): string | undefined {
  if (v === undefined || v === null || typeof v === 'boolean') return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

function num(v: Loose, min: number, max: number, integer = true): number | undefined {
  const s = text(v);
  if (s === undefined || !/^\d+(\.\d+)?$/.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= max && (!integer || Number.isInteger(n)) ? n : undefined;
}

function bool(v: Loose): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = text(v)?.toLowerCase();
  if (s === undefined) return undefined;
  if (['yes', 'true', 'y', '1'].includes(s)) return true;
  if (['no', 'false', 'n', '0'].includes(s)) return false;
  return undefined;
}

export function ageBandOf(v: Loose): { min: number; max: number } | undefined {
  const s = text(v)?.toLowerCase().replace(/\s+/g, '');
  if (!s) return undefined;
  const range = /^(\d{1,3})[_-](\d{1,3})$/.exec(s);
  if (range && Number(range[1]) <= Number(range[2])) return { min: Number(range[1]), max: Math.min(130, Number(range[2])) };
  const plus = /^(\d{1,3})(_?plus|\+)$/.exec(s);
  if (plus && Number(plus[1]) <= 130) return { min: Number(plus[1]), max: 130 };
  const under = /^under_?(\d{1,3})$/.exec(s);
  if (under && Number(under[1]) >= 1) return { min: 0, max: Number(under[1]) - 1 };
  return undefined;
}

/** Choice values a flow may use for the work question, besides the status names themselves. */
const STATUS_ALIASES: Record<string, EmploymentStatus> = {
  working: 'employed',
  other_work: 'employed',
  hospitality: 'employed',
  self_employed: 'selfEmployed',
  education: 'inEducation',
  in_education: 'inEducation',
  student: 'inEducation',
  not_working: 'notWorking',
};

export function profileFromParams(p: ProfileParams): Profile {
  const statusText = text(p.employmentStatus);
  const status = employmentStatusSchema.safeParse(statusText && (STATUS_ALIASES[statusText.toLowerCase()] ?? statusText));
  // "I work in hospitality" as the work answer also answers the hospitality question.
  const worksInHospitality = statusText?.toLowerCase() === 'hospitality';
  const hospitalityText = text(p.hospitalityYearsAgo)?.toLowerCase();
  const decileGiven = p.imdDecile === null || text(p.imdDecile) !== undefined;
  const profile: Profile = {
    age: num(p.age, 0, 130),
    ageBand: ageBandOf(p.ageBand),
    council: text(p.council),
    councilName: text(p.councilName),
    councilApproximate: bool(p.councilApproximate),
    ward: text(p.ward),
    wardName: text(p.wardName),
    // null = the place is known but its decile is not (outside the table, or approximate).
    imdDecile: decileGiven ? (num(p.imdDecile, 1, 10) ?? null) : undefined,
    imdCovered: bool(p.imdCovered),
    employmentStatus: status.success ? status.data : undefined,
    hospitalityYearsAgo:
      p.hospitalityYearsAgo === null || hospitalityText === 'never'
        ? null
        : (num(p.hospitalityYearsAgo, 0, 80, false) ?? (worksInHospitality ? 0 : undefined)),
    atRiskOfRedundancy: bool(p.atRiskOfRedundancy),
    rightToWork: bool(p.rightToWork),
  };
  return profileSchema.parse(Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined)));
}
