import { z } from 'zod';
import { isFlowFilesPath } from '../../flows/flowFiles.ts';
import { isFlowPath } from '../ports.ts';
import { isFlowTestPath } from './sourceFiles.ts';

/** A file's text may be at most 1 MB (the largest shipped file is about 10 kB). */
export const MAX_FILE_CHARS = 1_000_000;

const revision = z.number().int().min(0);
// The history shows it; an empty note is allowed (the pages ask for one, they do not insist).
const note = z.string().trim().max(500, 'a note may be at most 500 characters').default('');
const orphanPolicy = z.enum(['handoff', 'restart']).optional();

const fileText = z.string().max(MAX_FILE_CHARS, `a file may be at most ${MAX_FILE_CHARS} characters`);

/**
 * PUT /draft/files: only the changed paths; `null` removes a flow or a flow test. With `base`
 * (each saved path's text as the client last had it, `null` for a new file) the save is refused
 * only when one of those files changed since; without it, when anything in the draft did.
 */
export const saveFilesBody = z
  .strictObject({
  revision,
  base: z.record(z.string(), fileText.nullable()).optional(),
  files: z
    .record(z.string(), fileText.nullable())
    .superRefine((files, ctx) => {
      for (const [p, text] of Object.entries(files)) {
        if (!isFlowFilesPath(p)) ctx.addIssue({ code: 'custom', path: [p], message: `"${p}" is not a flow, test, commands, readability or locale file path` });
        else if (text === null && !isFlowPath(p) && !isFlowTestPath(p)) ctx.addIssue({ code: 'custom', path: [p], message: `only flows (flows/<id>.flow.yaml) and flow tests (flows/tests/<name>.test.yaml) can be removed, not "${p}"` });
      }
    })
    .refine((files) => Object.keys(files).length > 0, 'name at least one file'),
  })
  .superRefine((body, ctx) => {
    if (!body.base) return;
    for (const p of Object.keys(body.files)) {
      if (!(p in body.base)) ctx.addIssue({ code: 'custom', path: ['base', p], message: `say which text of "${p}" the change was made on` });
    }
  });

export type SaveFilesBody = z.infer<typeof saveFilesBody>;

export const discardBody = z.strictObject({ revision });
export const publishBody = z.strictObject({ revision, note, orphanPolicy });
export const revertBody = z.strictObject({ note, orphanPolicy });
export const releaseIdParam = z.coerce.number().int().positive();
export const diffQuery = z.strictObject({ against: z.coerce.number().int().positive().optional() });
