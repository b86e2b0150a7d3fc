import { z } from 'zod';
import { isSourceFilePath, sourceFileHref } from '../flows/sourceFiles.ts';

/** The JSON shapes of /studio/api (src/studio/ports.ts), read with zod: the browser trusts no answer. */
export const problemSchema = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  file: z.string(),
  line: z.number(),
  col: z.number(),
  path: z.string(),
  message: z.string(),
  suggestion: z.string().optional(),
});
export type ClientProblem = z.infer<typeof problemSchema>;

export const draftSchema = z.object({
  revision: z.number(),
  baseRelease: z.number(),
  files: z.record(z.string(), z.string()),
  changed: z.array(z.string()),
  updatedBy: z.string().nullable(),
  updatedAt: z.string(),
});
export const savedSchema = z.object({ revision: z.number(), changed: z.array(z.string()), problems: z.array(problemSchema) });
export const checkSchema = z.object({ problems: z.array(problemSchema) });

export const impactSchema = z.object({
  live: z.number(),
  groups: z.array(
    z.object({
      flowId: z.string(),
      version: z.string(),
      step: z.string(),
      residents: z.number(),
      outcome: z.enum(['unchanged', 'stays', 'migrates', 'orphaned']),
      to: z.string().optional(),
      reason: z.string().optional(),
    }),
  ),
  orphaned: z.number(),
});
export type ClientImpact = z.infer<typeof impactSchema>;

export const releaseSchema = z.object({
  id: z.number(),
  source: z.string(),
  revertOf: z.number().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  note: z.string(),
  flows: z.array(z.string()),
  live: z.boolean(),
});
export type ClientRelease = z.infer<typeof releaseSchema>;
export const releasesSchema = z.object({ releases: z.array(releaseSchema) });
export const publishedSchema = z.object({ release: releaseSchema });

export const diffSchema = z.object({
  files: z.array(
    z.object({
      path: z.string(),
      status: z.enum(['added', 'removed', 'changed']),
      patch: z.string(),
      steps: z.array(z.object({ flowId: z.string(), step: z.string(), change: z.string() })).optional(),
      keys: z.array(z.object({ lang: z.string(), key: z.string(), change: z.string(), before: z.string().optional(), after: z.string().optional() })).optional(),
    }),
  ),
});
export type ClientDiff = z.infer<typeof diffSchema>;

/** An answer's error body; its detail may be spread into `error` or nested under `error.detail`. */
const errorBodySchema = z.object({ error: z.looseObject({ code: z.string(), message: z.string(), detail: z.record(z.string(), z.unknown()).optional() }) });

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error's detail fields (problems, failedTests, impact, revision, updatedBy…). */
    readonly detail: Record<string, unknown>,
  ) {
    super(message);
  }
}

const meta = (name: string): string => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';

/** The signed-in member of staff's role and CSRF token, from the page's meta tags (src/studio/layout.ts). */
export const staffRole = (): string => meta('staff-role');

/** Calls /studio/api: JSON both ways, the CSRF token on every change, the answer checked with `schema`. */
export async function api<S extends z.ZodType>(method: 'GET' | 'PUT' | 'POST', path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = meta('csrf-token');
  }
  const res = await fetch(`/studio/api${path}`, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = errorBodySchema.safeParse(json);
    if (!e.success) throw new ApiError(res.status, 'unknown', `the studio answered ${res.status}`, {});
    const { code, message, detail, ...rest } = e.data.error;
    throw new ApiError(res.status, code, message, { ...rest, ...detail });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'bad_answer', `unexpected answer from ${path}`, {});
  return parsed.data;
}

/** Text for a problem with its "did you mean" as the message's tail. */
export const problemText = (p: ClientProblem): string => `${p.message}${p.suggestion ? ` (did you mean "${p.suggestion}"?)` : ''}`;

/** Link to a problem's place in the editor: the flow's editor, or the source editor of a test, commands or readability file, at its line. */
export function problemHref(p: ClientProblem): string | undefined {
  const m = /^flows\/([a-z][a-z0-9_]*)\.flow\.yaml$/.exec(p.file);
  if (m) return `/studio/flows/${m[1]}#L${p.line}`;
  return isSourceFilePath(p.file) ? `${sourceFileHref(p.file)}#L${p.line}` : undefined;
}

/** Builds an element: `el('p', { class: 'x' }, 'text', child)`. Text is always text, never markup. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children);
  return e;
}
