import { z } from 'zod';
import { defineAction } from '../src/engine/actions.ts';

export const eligibilityInputSchema = z.object({
  age: z.number(),
  hours: z.number(),
  right_to_work: z.boolean(),
  postcode: z.string(),
  work_status: z.string(),
});
export type EligibilityInput = z.infer<typeof eligibilityInputSchema>;

export const eligibilitySchema = z.object({ eligible: z.boolean(), programme: z.string() });
export type Eligibility = z.infer<typeof eligibilitySchema>;

/**
 * The benchmark's one piece of domain logic, shared by Anchorline and the peer so
 * both spend the same time on it. Pure and cheap: the benchmark measures the turn
 * machinery, not a rule engine.
 */
export function decideEligibility(a: EligibilityInput): Eligibility {
  const local = /^B\d/i.test(a.postcode);
  const eligible = a.age >= 18 && a.right_to_work && local && a.hours >= 16;
  return { eligible, programme: eligible ? 'Health Care Support Worker academy' : 'pre-employment course' };
}

export const benchEligibilityAction = defineAction({
  name: 'benchEligibility',
  description: 'Benchmark eligibility rule (pure)',
  params: eligibilityInputSchema,
  result: eligibilitySchema,
  run: async (p) => decideEligibility(p),
});
