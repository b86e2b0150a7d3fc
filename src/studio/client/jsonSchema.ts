import { z } from 'zod';

/**
 * The part of JSON Schema (draft 2020-12) that `z.toJSONSchema` emits for the flow schemas, read
 * from GET /studio/api/schema. Loose: keywords the form does not use pass through unread.
 */
export interface JsonSchema {
  type?: string | string[] | undefined;
  properties?: Record<string, JsonSchema> | undefined;
  required?: string[] | undefined;
  items?: JsonSchema | boolean | undefined;
  prefixItems?: JsonSchema[] | undefined;
  additionalProperties?: JsonSchema | boolean | undefined;
  anyOf?: JsonSchema[] | undefined;
  oneOf?: JsonSchema[] | undefined;
  enum?: Array<string | number | boolean | null> | undefined;
  const?: string | number | boolean | null | undefined;
  default?: unknown;
  pattern?: string | undefined;
  minItems?: number | undefined;
  minimum?: number | undefined;
  maximum?: number | undefined;
  description?: string | undefined;
  $ref?: string | undefined;
  $defs?: Record<string, JsonSchema> | undefined;
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const jsonSchemaSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z.looseObject({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    properties: z.record(z.string(), jsonSchemaSchema).optional(),
    required: z.array(z.string()).optional(),
    items: z.union([jsonSchemaSchema, z.boolean()]).optional(),
    prefixItems: z.array(jsonSchemaSchema).optional(),
    additionalProperties: z.union([jsonSchemaSchema, z.boolean()]).optional(),
    anyOf: z.array(jsonSchemaSchema).optional(),
    oneOf: z.array(jsonSchemaSchema).optional(),
    enum: z.array(scalar).optional(),
    const: scalar.optional(),
    default: z.unknown().optional(),
    pattern: z.string().optional(),
    minItems: z.number().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    description: z.string().optional(),
    $ref: z.string().optional(),
    $defs: z.record(z.string(), jsonSchemaSchema).optional(),
  }),
);

/** GET /studio/api/schema: one schema per step kind, the flow header's, and the pattern of an i18n key. */
export const studioSchemaSchema = z.object({
  steps: z.record(z.string(), jsonSchemaSchema),
  header: jsonSchemaSchema,
  keyPattern: z.string(),
});
export type StudioSchema = z.infer<typeof studioSchemaSchema>;
