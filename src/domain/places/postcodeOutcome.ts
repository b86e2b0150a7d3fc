import { z } from 'zod';

/**
 * What a postcode lookup can come to. Every one is an expected outcome the flow answers
 * (re-ask with an example, offer a person, or go on with an approximate place), never a throw.
 */
export const postcodeOutcomeSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('found'),
    postcode: z.string(),
    /** Local authority code (e.g. E08000025), from `codes.admin_district`. */
    council: z.string(),
    councilName: z.string(),
    /** Electoral ward code from `codes.admin_ward`; null when only the district was known. */
    ward: z.string().nullable(),
    wardName: z.string().nullable(),
    /** 2011 LSOA (`codes.lsoa11`), the key of IMD 2019. */
    lsoa11: z.string().nullable(),
    /** IMD 2019 decile of the LSOA; null outside the shipped table or when approximate. */
    imdDecile: z.number().int().min(1).max(10).nullable(),
    /**
     * Whether the shipped IMD table covers this council (Birmingham, Solihull). A null decile in
     * a covered council means "not checked" (no LSOA), never "not a deprived area".
     */
    imdCovered: z.boolean(),
    /** True when postcodes.io was down and the council came from the postcode district alone. */
    approximate: z.boolean(),
  }),
  z.object({ type: z.literal('invalid') }),
  z.object({ type: z.literal('notFound'), postcode: z.string() }),
  z.object({ type: z.literal('unavailable'), postcode: z.string() }),
]);
export type PostcodeOutcome = z.infer<typeof postcodeOutcomeSchema>;
export type FoundPlace = Extract<PostcodeOutcome, { type: 'found' }>;
