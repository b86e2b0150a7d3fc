import { z } from 'zod';

/** Step ids and answer names: lower case words joined by `_` (also used as XState state keys). */
export const idSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _ (start with a letter)');
/** i18next key, e.g. `welcome.greeting`. */
export const keySchema = z.string().regex(/^[a-zA-Z][\w-]*(\.[\w-]+)*$/, 'an i18n key such as welcome.greeting');
/** Dotted path into the answers and results, e.g. `eligibility.eligible`. */
export const pathSchema = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-zA-Z0-9_]+)*$/, 'an answer name such as age or eligibility.eligible');

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalar>;

export type Condition =
  | { equals: [string, Scalar] }
  | { in: [string, Scalar[]] }
  | { lt: [string, number] }
  | { gt: [string, number] }
  | { between: [string, number, number] }
  | { isSet: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ equals: z.tuple([pathSchema, scalar]) }),
    z.strictObject({ in: z.tuple([pathSchema, z.array(scalar).min(1)]) }),
    z.strictObject({ lt: z.tuple([pathSchema, z.number()]) }),
    z.strictObject({ gt: z.tuple([pathSchema, z.number()]) }),
    z.strictObject({ between: z.tuple([pathSchema, z.number(), z.number()]) }),
    z.strictObject({ isSet: pathSchema }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

/** Where to go next: a step id, or the first matching `if` (the last entry may have no `if`). */
export const nextSchema = z.union([
  idSchema,
  z.array(z.union([z.strictObject({ if: conditionSchema, goto: idSchema }), z.strictObject({ goto: idSchema })])).min(1),
]);
export type Next = z.infer<typeof nextSchema>;

/** A parameter value: a literal, or `$name` / `$result.field` to read an answer. */
export const paramsSchema = z.record(z.string(), z.union([scalar, z.array(scalar)]));

const cardSchema = z.strictObject({
  kind: z.enum(['session', 'vacancy', 'info']).default('info'),
  title: keySchema,
  text: keySchema.optional(),
  facts: z.array(z.strictObject({ label: keySchema, value: z.string() })).default([]),
});

export const sayStepSchema = z.strictObject({
  say: z.union([keySchema, z.array(keySchema).min(1)]),
  params: paramsSchema.optional(),
  card: cardSchema.optional(),
  next: nextSchema.optional(),
});

export const answerTypes = ['choice', 'yesno', 'text', 'number', 'date', 'postcode', 'email', 'phone'] as const;
export type AnswerType = (typeof answerTypes)[number];

export const choiceOptionSchema = z.strictObject({
  value: z.string().min(1),
  label: keySchema,
  /** i18n key whose value is a list of other words residents use for this choice. */
  synonyms: keySchema.optional(),
});

export const askStepSchema = z
  .strictObject({
    ask: idSchema,
    type: z.enum(answerTypes),
    question: keySchema,
    /** Shown when the answer does not fit (a default hint per type is used otherwise). */
    hint: keySchema.optional(),
    /** Why the question is asked, in plain words: shown when the resident says "not sure" or "why". */
    help: keySchema.optional(),
    choices: z.array(choiceOptionSchema).min(1).optional(),
    /** Choices built from an action result, e.g. the vacancies that fit. */
    choicesFrom: z
      .strictObject({
        /** Path to a list in the answers and results, e.g. matches.fitting. */
        list: pathSchema,
        /** Field of each item used as the answer. */
        value: z.string().min(1),
        /** Field of each item shown on its button. */
        label: z.string().min(1),
      })
      .optional(),
    /** The resident may pick several (typing "1 and 3", or "all"); the answer is a list. */
    multiple: z.boolean().default(false),
    min: z.number().optional(),
    max: z.number().optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().positive().max(4000).optional(),
    /** `locale`: the answer becomes the conversation language; `consent`: the answer records consent. */
    sets: z.enum(['locale', 'consent']).optional(),
    /**
     * A yes/no question that gives or refuses consent for one purpose (UK GDPR: per purpose,
     * recorded with the wording shown): `share_application` with the partners named at `scope`
     * (a partner id or a list of them in the answers and results), or `contact`. `sets: consent`
     * is the consent to keep the answers.
     */
    consent: z.strictObject({ purpose: z.enum(['share_application', 'contact']), scope: pathSchema }).optional(),
    /** Step to run after three answers that do not fit (default: the flow's fallback). */
    fallback: idSchema.optional(),
    next: nextSchema.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.type === 'choice' && !s.choices === !s.choicesFrom) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'a choice question needs choices or choicesFrom (one of them)' });
    if (s.type !== 'choice' && (s.choices || s.choicesFrom)) ctx.addIssue({ code: 'custom', path: ['choices'], message: `choices only fit type choice, not ${s.type}` });
    if (s.multiple && s.type !== 'choice') ctx.addIssue({ code: 'custom', path: ['multiple'], message: 'multiple only fits type choice' });
    if (s.sets === 'consent' && s.type !== 'yesno') ctx.addIssue({ code: 'custom', path: ['sets'], message: 'consent needs a yesno question' });
    if (s.consent && s.type !== 'yesno') ctx.addIssue({ code: 'custom', path: ['consent'], message: 'consent needs a yesno question' });
    if (s.consent && s.sets === 'consent') ctx.addIssue({ code: 'custom', path: ['consent'], message: 'one purpose per question: sets: consent is the consent to keep the answers' });
    if (s.sets === 'locale' && s.type !== 'choice') ctx.addIssue({ code: 'custom', path: ['sets'], message: 'locale needs a choice question' });
    if (s.min !== undefined && s.max !== undefined && s.min > s.max) ctx.addIssue({ code: 'custom', path: ['min'], message: 'min is above max' });
  });

export const branchStepSchema = z.strictObject({
  branch: z.array(z.union([z.strictObject({ if: conditionSchema, goto: idSchema }), z.strictObject({ else: idSchema })])).min(1),
});

export const callStepSchema = z.strictObject({
  call: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'an action name such as checkEligibility'),
  params: paramsSchema.optional(),
  /** Name under which the result is kept, to branch on or show. */
  result: idSchema.optional(),
  /** Step to go to when the action fails (default: apologise and stay at the last question). */
  onError: idSchema.optional(),
  next: nextSchema.optional(),
});

export const useStepSchema = z.strictObject({ use: idSchema, next: nextSchema.optional() });
export const gotoStepSchema = z.strictObject({ goto: idSchema });
export const endStepSchema = z.strictObject({
  end: z.union([z.literal(true), z.enum(['completed', 'stopped', 'handoff'])]),
  say: z.union([keySchema, z.array(keySchema).min(1)]).optional(),
  /** `handoff`: ask for a person as the flow ends. */
  handoff: z.boolean().optional(),
});

export type SayStep = z.infer<typeof sayStepSchema>;
export type AskStep = z.infer<typeof askStepSchema>;
export type BranchStep = z.infer<typeof branchStepSchema>;
export type CallStep = z.infer<typeof callStepSchema>;
export type UseStep = z.infer<typeof useStepSchema>;
export type GotoStep = z.infer<typeof gotoStepSchema>;
export type EndStep = z.infer<typeof endStepSchema>;

/** Steps carry their kind as a tag after parsing (the YAML says it by its main key). */
export type Step =
  | ({ kind: 'say' } & SayStep)
  | ({ kind: 'ask' } & AskStep)
  | ({ kind: 'branch' } & BranchStep)
  | ({ kind: 'call' } & CallStep)
  | ({ kind: 'use' } & UseStep)
  | ({ kind: 'goto' } & GotoStep)
  | ({ kind: 'end' } & EndStep);

export const stepSchemas = {
  say: sayStepSchema,
  ask: askStepSchema,
  branch: branchStepSchema,
  call: callStepSchema,
  use: useStepSchema,
  goto: gotoStepSchema,
  end: endStepSchema,
} as const;
export type StepKind = keyof typeof stepSchemas;
export const stepKinds = Object.keys(stepSchemas) as StepKind[];

export const migrationSchema = z.strictObject({
  /** The old version (its full hash or at least its first 8 characters). */
  from: z.string().regex(/^[0-9a-f]{8,64}$/, 'a version hash (8 to 64 hex characters)'),
  /** Old step id → new step id; steps not listed keep their id. */
  steps: z.record(idSchema, idSchema).default({}),
});

export const flowHeaderSchema = z.strictObject({
  id: idSchema,
  description: z.string().optional(),
  /** First step (default: the first one listed). */
  start: idSchema.optional(),
  /** Step run after three answers that do not fit (default: offer a person). */
  fallback: idSchema.optional(),
  /** A flow only used by others (`use:`) is not started on its own. */
  subflow: z.boolean().default(false),
  migrations: z.array(migrationSchema).default([]),
  /**
   * What an adviser's card shows when this conversation is handed to a person: a label
   * (shown as written) → the answer or result path to show. Only what the adviser needs.
   */
  summary: z.record(z.string().min(1).max(60), pathSchema).default({}),
  /** Answers the engine reads for safety: `age` decides the youth helplines, `partner` whose office hours apply. */
  profile: z.strictObject({ age: pathSchema.optional(), partner: pathSchema.optional() }).default({}),
  steps: z.record(z.string(), z.unknown()),
});

export interface Flow {
  id: string;
  description?: string | undefined;
  start: string;
  fallback?: string | undefined;
  subflow: boolean;
  migrations: z.infer<typeof migrationSchema>[];
  summary: Record<string, string>;
  profile: { age?: string | undefined; partner?: string | undefined };
  steps: Map<string, Step>;
  /** Step ids in file order (the default `next` is the following step). */
  order: string[];
  file: string;
}
