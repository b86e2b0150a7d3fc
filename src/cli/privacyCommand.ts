/**
 * Staff privacy requests made outside the chat (a resident who writes or phones):
 *   anchorline privacy export --conversation <id> --by <staff-name> [--format json|html] [--out <file>]
 *   anchorline privacy erase  --conversation <id> --by <staff-name>
 * Both are recorded in the privacy audit as `staff:<name>`.
 */
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { erasersOf, handoffsFromConfig } from '../app.ts';
import type { Config } from '../config.ts';
import { eraseConversation, type Eraser } from '../domain/privacy/eraseConversation.ts';
import { gatherSubjectAccess, subjectAccessHtml, subjectAccessJson } from '../domain/privacy/subjectAccess.ts';
import { createLogger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { openDb } from '../store/openDb.ts';
import { privacyActorSchema, recordPrivacyAction } from '../store/privacyAudit.ts';

export const PRIVACY_USAGE = `  anchorline privacy export --conversation <conversation-id> --by <staff-name> [--format json|html] [--out <file>]
  anchorline privacy erase --conversation <conversation-id> --by <staff-name>`;

const conversation = z.string({ error: 'needs --conversation <conversation-id>' }).min(1, 'needs --conversation <conversation-id>');
/** The staff member's name becomes the audit actor `staff:<name>`. */
const by = z
  .string({ error: 'needs --by <staff-name> (who is doing this, for the privacy audit)' })
  .refine((name) => privacyActorSchema.safeParse(`staff:${name}`).success, '--by: a name of 1 to 80 letters, digits or . @ + - _ (no spaces)')
  .transform((name) => `staff:${name}`);

export const privacyArgsSchema = z.discriminatedUnion(
  'cmd',
  [
    z.object({
      cmd: z.literal('export'),
      conversation,
      actor: by,
      format: z.enum(['json', 'html'], { error: '--format: json or html' }).default('json'),
      out: z.string().min(1).optional(),
    }),
    z.object({ cmd: z.literal('erase'), conversation, actor: by, format: z.undefined({ error: 'erase takes no --format' }), out: z.undefined({ error: 'erase takes no --out' }) }),
  ],
  { error: 'privacy needs export or erase' },
);
export type PrivacyArgs = z.output<typeof privacyArgsSchema>;

export interface PrivacyCommandDeps {
  db: Db;
  /** The same erasers the running app uses (app.ts `erasersOf`). */
  erasers: readonly Eraser[];
  now?: () => Date;
  /** The export, when there is no --out (stdout). */
  output: (text: string) => void;
  /** What happened, for the person at the terminal (stderr: stdout may be the export). */
  tell: (line: string) => void;
}

/**
 * Runs one privacy command. Exit codes: 0 done, 1 no such conversation, 2 wrong arguments.
 * @example await privacyCommand({ cmd: 'erase', conversation: 'c1', by: 'sam' }, deps)
 */
export async function privacyCommand(input: { cmd?: string; conversation?: string; by?: string; format?: string; out?: string }, deps: PrivacyCommandDeps): Promise<number> {
  const parsed = privacyArgsSchema.safeParse({ cmd: input.cmd, conversation: input.conversation, actor: input.by, format: input.format, out: input.out });
  if (!parsed.success) {
    deps.tell(`privacy: ${parsed.error.issues.map((i) => i.message).join('; ')}\nusage:\n${PRIVACY_USAGE}`);
    return 2;
  }
  const args = parsed.data;
  const at = deps.now?.() ?? new Date();
  if (args.cmd === 'erase') {
    const erased = await eraseConversation(deps.db, args.conversation, { erasers: deps.erasers, actor: args.actor, now: at });
    if (!erased) {
      deps.tell(`no conversation "${args.conversation}": nothing erased`);
      return 1;
    }
    deps.tell(`erased conversation "${args.conversation}": answers, transcript, bookings, applications, handoff details and consent records (recorded as ${args.actor})`);
    return 0;
  }
  const data = await deps.db.transaction(async (tx) => {
    const found = await gatherSubjectAccess(tx, args.conversation, at);
    if (!found) return undefined;
    await recordPrivacyAction(tx, { conversationId: args.conversation, action: 'exported', actor: args.actor, at });
    // The copy includes the fact of this export, like the resident's own.
    return { ...found, privacyAudit: [...found.privacyAudit, { action: 'exported' as const, actor: args.actor, at }] };
  });
  if (!data) {
    deps.tell(`no conversation "${args.conversation}": nothing exported`);
    return 1;
  }
  const json = subjectAccessJson(data);
  const text = args.format === 'json' ? json : subjectAccessHtml(data, { json });
  if (args.out) {
    // Personal data: readable by the staff member's account only.
    await writeFile(args.out, text, { mode: 0o600 });
    deps.tell(`wrote ${args.out} (${args.format}, ${data.transcript.length} messages; recorded as ${args.actor})`);
  } else {
    deps.output(text);
  }
  return 0;
}

/** The CLI's entry: opens the configured database (migrated), with the app's erasers; Slack events wait for the server's worker. */
export async function privacyCli(config: Config, input: Parameters<typeof privacyCommand>[0]): Promise<number> {
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrate(db);
    // Silent: stdout may be the export itself.
    const handoffs = handoffsFromConfig(config, { db, logger: createLogger('silent', { pretty: false }) });
    return await privacyCommand(input, {
      db,
      erasers: erasersOf(config, handoffs),
      output: (text) => process.stdout.write(text),
      tell: (line) => console.error(line),
    });
  } finally {
    await db.close();
  }
}
