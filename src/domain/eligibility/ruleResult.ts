import { z } from 'zod';

export const ruleOutcomeSchema = z.enum(['passed', 'failed', 'missing']);
export type RuleOutcome = z.infer<typeof ruleOutcomeSchema>;

/** Profile fields a missing rule needs; the flow asks for them. */
export const profileFieldSchema = z.enum([
  'age',
  'postcode',
  'employmentStatus',
  'hospitalityYearsAgo',
  'atRiskOfRedundancy',
  'rightToWork',
]);
export type ProfileField = z.infer<typeof profileFieldSchema>;

export interface RuleResult {
  /** Stable id: the rule's `id` in programmes.yaml, else its type. */
  rule: string;
  type: string;
  outcome: RuleOutcome;
  /** i18n key under `eligibility.*` (locales/<lang>/eligibility.json), with its parameters. */
  key: string;
  params: Record<string, string | number>;
  /** True when the result rests on a council guessed from the postcode district. */
  approximate?: boolean;
  /** For anyOf / allOf: the results of the rules inside. */
  parts?: RuleResult[];
  /** For missing results: what to ask the person. */
  needs?: ProfileField[];
}

export const ruleResultSchema: z.ZodType<RuleResult> = z.object({
  rule: z.string(),
  type: z.string(),
  outcome: ruleOutcomeSchema,
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  approximate: z.boolean().optional(),
  get parts() {
    return z.array(ruleResultSchema).optional();
  },
  needs: z.array(profileFieldSchema).optional(),
});
