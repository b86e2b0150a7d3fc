import { z } from 'zod';
import { employmentStatusSchema } from './profile.ts';

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'use lower-case letters, digits and dashes');
/** The stable id a rule result carries; defaults to the rule type. */
const ruleId = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/, 'use letters and digits, e.g. youngNeet').optional();
const namedCode = (pattern: RegExp, example: string) =>
  z.strictObject({ code: z.string().regex(pattern, `a code such as ${example}`), name: z.string().min(1) });
const councilSchema = namedCode(/^[EWSN]\d{8}$/, 'E08000025');
const wardSchema = namedCode(/^[EWSN]\d{8}$/, 'E05011182');

export const ageRuleSchema = z
  .strictObject({ type: z.literal('age'), id: ruleId, min: z.number().int().min(0).optional(), max: z.number().int().max(130).optional() })
  .refine((r) => r.min !== undefined || r.max !== undefined, 'give min, max or both')
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not be more than max');

export const councilRuleSchema = z.strictObject({ type: z.literal('council'), id: ruleId, councils: z.array(councilSchema).min(1) });

/** Lives in a neighbourhood (2011 LSOA) whose IMD 2019 decile is at most `max` (1 = most deprived). */
export const imdDecileRuleSchema = z.strictObject({ type: z.literal('imdDecile'), id: ruleId, max: z.number().int().min(1).max(10) });

export const wardRuleSchema = z.strictObject({ type: z.literal('ward'), id: ruleId, wards: z.array(wardSchema).min(1) });

export const employmentStatusRuleSchema = z.strictObject({
  type: z.literal('employmentStatus'),
  id: ruleId,
  allowed: z.array(employmentStatusSchema).min(1),
});

/** Worked in hospitality within `withinYears` years, or (when allowed) is at risk of redundancy. */
export const hospitalityRuleSchema = z.strictObject({
  type: z.literal('hospitality'),
  id: ruleId,
  withinYears: z.number().min(0).max(50),
  orAtRiskOfRedundancy: z.boolean().default(true),
});

export const rightToWorkRuleSchema = z.strictObject({ type: z.literal('rightToWork'), id: ruleId });

const simpleRuleSchemas = [
  ageRuleSchema,
  councilRuleSchema,
  imdDecileRuleSchema,
  wardRuleSchema,
  employmentStatusRuleSchema,
  hospitalityRuleSchema,
  rightToWorkRuleSchema,
] as const;
export const simpleRuleSchema = z.discriminatedUnion('type', [...simpleRuleSchemas]);
export type SimpleRule = z.infer<typeof simpleRuleSchema>;

/** Every rule inside must pass. Two levels of grouping are enough for "A, or (B and C)". */
export const allOfRuleSchema = z.strictObject({ type: z.literal('allOf'), id: ruleId, rules: z.array(simpleRuleSchema).min(1) });
export type AllOfRule = z.infer<typeof allOfRuleSchema>;

/** At least one rule inside must pass. */
export const anyOfRuleSchema = z.strictObject({
  type: z.literal('anyOf'),
  id: ruleId,
  rules: z.array(z.discriminatedUnion('type', [...simpleRuleSchemas, allOfRuleSchema])).min(2),
});
export type AnyOfRule = z.infer<typeof anyOfRuleSchema>;

export const ruleSchema = z.discriminatedUnion('type', [...simpleRuleSchemas, allOfRuleSchema, anyOfRuleSchema]);
export type Rule = z.infer<typeof ruleSchema>;

const dateSchema = z.iso.date();

export const programmeSchema = z
  .strictObject({
    id: idSchema,
    /**
     * The programme's name: English, or `{ en, ur, … }` with a name per language (the English one
     * is kept here; the others reach residents as `names.programme.*` wording, flows/dataNames.ts).
     */
    name: z
      .union([z.string().min(1), z.looseObject({ en: z.string().min(1) }).catchall(z.string().min(1))])
      .transform((n) => (typeof n === 'string' ? n : n.en)),
    /** One plain sentence for residents. */
    summary: z.string().min(1),
    /** Applications are taken from `opens` to `closes` inclusive (dates in Europe/London). */
    cohort: z.strictObject({ opens: dateSchema.optional(), closes: dateSchema.optional() }).optional(),
    rules: z.array(ruleSchema).min(1),
  })
  .refine((p) => !p.cohort?.opens || !p.cohort.closes || p.cohort.opens <= p.cohort.closes, {
    message: 'cohort.opens must not be after cohort.closes',
    path: ['cohort', 'closes'],
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.rules.forEach((r, i) => {
      const id = r.id ?? r.type;
      if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `two rules have the id ${id}; give one an id of its own`, path: ['rules', i, 'id'] });
      seen.add(id);
    });
  });
export type Programme = z.infer<typeof programmeSchema>;

export const programmesFileSchema = z
  .strictObject({ programmes: z.array(programmeSchema).min(1) })
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.programmes.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', message: `programme id ${p.id} is used twice`, path: ['programmes', i, 'id'] });
      seen.add(p.id);
    });
  });
