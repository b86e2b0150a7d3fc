/**
 * The coordinator's and operator's command line:
 *   anchorline flows check [--db]   every problem with file:line:col (exit 1 on errors)
 *   anchorline flows graph <flow>   Mermaid state diagram
 *   anchorline flows test [file…]   run scripted conversations in flows/tests
 *   anchorline flows export <dir>   the live release as files (src/cli/flowsReleaseCommands.ts)
 *   anchorline flows import <dir> [--policy handoff|restart] [--note text] --by <name>   publish files
 *   anchorline db migrate | db seed   (db seed applies flows/*.yaml where it is safe; see flows/README.md)
 *   anchorline import sessions <file.csv>
 *   anchorline applications export --partner <id>
 *   anchorline applications set-status <application-vacancy-id> <status>
 *   anchorline audit --conversation <id>
 *   anchorline handoffs list          open handoffs with how each resident asked to be contacted
 *   anchorline partners credentials create|list|revoke|audit   partner credentials (src/cli/partnerCredentialsCommand.ts)
 *   anchorline privacy export|erase --conversation <id> --by <staff-name>   (src/cli/privacyCommand.ts)
 *   anchorline studio invite|link|list|remove|audit   studio accounts (src/cli/studioCommand.ts)
 *   anchorline translations export|import|status   translators' files (src/cli/translationsCommand.ts)
 *   anchorline referrals create|list|retire   community partners' referral codes (src/cli/referralsCommand.ts)
 *   anchorline outcomes report --month YYYY-MM [--partner id] --out file.pdf|.html   (src/cli/outcomesCommand.ts)
 *   anchorline attendance list|mark|import   who went to a course session (src/cli/attendanceCommand.ts)
 */
import { readdir, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { courseOptionsOf } from '../domain/allActions.ts';
import { applicationStatusSchema } from '../domain/applications/applicationProfile.ts';
import { exportPartnerApplications } from '../domain/applications/exportPartnerApplications.ts';
import { setApplicationStatus } from '../domain/applications/setApplicationStatus.ts';
import { noticesFromTranslator } from '../domain/shared/notices.ts';
import { readDataNames, withDataNames } from '../flows/dataNames.ts';
import { createTranslator, loadLocales } from '../i18n.ts';
import { importSessionsCsv } from '../domain/courses/importSessionsCsv.ts';
import { coordinatorDataLines } from '../domain/coordinatorData/coordinatorDataLines.ts';
import { seedCoordinatorData } from '../domain/coordinatorData/seedCoordinatorData.ts';
import { formatAudit, listAudit } from '../domain/handoffs/audit.ts';
import { formatHandoffQueue } from '../domain/handoffs/formatHandoffQueue.ts';
import { listOpenHandoffs } from '../store/handoffs.ts';
import { MESSAGES_CHANNEL } from '../engine/port.ts';
import { appendReplies } from '../store/conversations.ts';
import type { Db } from '../store/db.ts';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, publicUrl, type Config } from '../config.ts';
import { allActions } from '../domain/allActions.ts';
import { ActionRegistry } from '../engine/actions.ts';
import { loadFlowSet, parseFlowTexts, FLOW_SUFFIX, FlowCatalog } from '../flows/catalog.ts';
import { readFlowTest, runFlowTest } from '../flows/flowTest.ts';
import { flowToMermaid } from '../flows/graph.ts';
import { formatProblem } from '../flows/problem.ts';
import { checkLiveConversations } from '../flows/checkLiveConversations.ts';
import { migrate } from '../store/migrate.ts';
import { openDb } from '../store/openDb.ts';
import { PgliteDb } from '../store/pgliteDriver.ts';
import { FLOWS_RELEASE_USAGE, flowsExport, flowsImport } from './flowsReleaseCommands.ts';
import { ATTENDANCE_USAGE, attendanceCommand } from './attendanceCommand.ts';
import { PARTNER_CREDENTIALS_USAGE, partnerCredentialsCommand } from './partnerCredentialsCommand.ts';
import { PRIVACY_USAGE, privacyCli } from './privacyCommand.ts';
import { STUDIO_USAGE, studioCli } from './studioCommand.ts';
import { TRANSLATIONS_USAGE, translationsCli } from './translationsCommand.ts';
import { REFERRALS_USAGE, referralsCommand } from './referralsCommand.ts';
import { OUTCOMES_USAGE } from './outcomesUsage.ts';
import { readDataNameTexts } from '../translations/dataNameTexts.ts';
import { countsTable, statusCounts } from '../translations/status.ts';
import { readFlowFiles } from '../flows/flowFiles.ts';

const USAGE = `usage:
  anchorline flows check [--db]
  anchorline flows graph <flow-id>
  anchorline flows test [file.test.yaml ...]
${FLOWS_RELEASE_USAGE}
  anchorline db migrate
  anchorline db seed
  anchorline import sessions <file.csv>
  anchorline applications export --partner <partner-id>
  anchorline applications set-status <application-vacancy-id> <${applicationStatusSchema.options.join('|')}>
  anchorline audit --conversation <conversation-id>
  anchorline handoffs list
${PARTNER_CREDENTIALS_USAGE}
${PRIVACY_USAGE}
${STUDIO_USAGE}
${TRANSLATIONS_USAGE}
${REFERRALS_USAGE}
${OUTCOMES_USAGE}
${ATTENDANCE_USAGE}`;

/** Opens the configured database with migrations applied, runs fn, closes it. */
async function withDb<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

class UsageError extends Error {}

async function flowsCheck(config: Config, checkDb: boolean): Promise<number> {
  const actions = new ActionRegistry().register(...(await allActions(config)));
  const r = await loadFlowSet({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR, actions });
  const problems = r.ok ? r.set.warnings : r.problems;
  for (const p of problems) console.log(formatProblem(p));
  if (!r.ok) {
    console.log(`${problems.filter((p) => p.severity === 'error').length} error(s): these flows would not go live.`);
    return 1;
  }
  console.log(`ok: ${[...r.set.flows.values()].map((f) => `${f.id}@${f.version}`).join(', ')} (${problems.length} warning(s))`);
  // How far each language's strings can be trusted (docs/translations.md).
  try {
    for (const line of countsTable(statusCounts(await readFlowFiles(config.FLOWS_DIR, config.LOCALES_DIR), await readDataNameTexts(config.FLOWS_DIR)))) console.log(line);
  } catch (err) {
    // A broken locales/<lang>/_status.json: say which, and fail the check.
    console.log(`translation status: ${(err as Error).message}`);
    return 1;
  }
  if (!checkDb) return 0;
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrate(db);
    const catalog = new FlowCatalog({ flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR, actions }, db);
    const report = await checkLiveConversations(db, r.set, catalog, actions);
    for (const line of report.lines) console.log(line);
    // What the next start-up would do with flows/courses.yaml and flows/partners.yaml.
    const data = await seedCoordinatorData(db, { flowsDir: config.FLOWS_DIR, mode: 'check' });
    for (const line of coordinatorDataLines(data)) console.log(line);
    return report.orphans || data.problems.length ? 1 : 0;
  } finally {
    await db.close();
  }
}

async function flowsGraph(config: Config, id: string | undefined): Promise<number> {
  if (!id) throw new UsageError('flows graph needs a flow id');
  const files = new Map<string, string>();
  for (const f of (await readdir(config.FLOWS_DIR)).filter((x) => x.endsWith(FLOW_SUFFIX))) files.set(path.join(config.FLOWS_DIR, f), await readFile(path.join(config.FLOWS_DIR, f), 'utf8'));
  const parsed = parseFlowTexts(files);
  const flow = parsed.flows.get(id)?.flow;
  if (!flow) {
    console.error(`no flow "${id}" (flows: ${[...parsed.flows.keys()].join(', ')})`);
    return 1;
  }
  console.log(flowToMermaid(flow));
  return 0;
}

async function flowsTest(config: Config, files: string[]): Promise<number> {
  const dir = path.join(config.FLOWS_DIR, 'tests');
  const list = files.length ? files : (await readdir(dir)).filter((f) => f.endsWith('.test.yaml')).sort().map((f) => path.join(dir, f));
  let failed = 0;
  for (const file of list) {
    const db = await PgliteDb.open();
    try {
      await migrate(db);
      const test = await readFlowTest(file);
      const { turns } = await runFlowTest(test, { db, flowsDir: config.FLOWS_DIR, localesDir: config.LOCALES_DIR, actions: await allActions(config), startFlow: config.START_FLOW });
      console.log(`ok   ${path.basename(file)}: ${test.name} (${turns} turns)`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${path.basename(file)}: ${(err as Error).message}`);
    } finally {
      await db.close();
    }
  }
  console.log(`${list.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  // Its own flags (--label) and checks; it prints its own usage.
  if (argv[0] === 'partners') {
    const config = loadConfig();
    return partnerCredentialsCommand(argv.slice(1), { withDb: (fn) => withDb(config, fn), out: (l) => console.log(l), err: (l) => console.error(l) });
  }
  // Its own flags (--label, --code, --partner) and usage, like partners.
  if (argv[0] === 'referrals') {
    const config = loadConfig();
    return referralsCommand(argv.slice(1), { withDb: (fn) => withDb(config, fn), publicUrl: publicUrl(config), out: (l) => console.log(l), err: (l) => console.error(l) });
  }
  // Its own flags (--month, --partner, --out) and usage.
  if (argv[0] === 'outcomes') {
    const config = loadConfig();
    // Loaded only here: charts (vega) and Chromium (playwright-core) would slow every other command's start.
    const { outcomesCommand } = await import('./outcomesCommand.ts');
    const { loadOutcomes } = await import('../domain/outcomes/loadOutcomes.ts');
    const { programmeNames } = await import('../domain/outcomes/programmeNames.ts');
    return outcomesCommand(argv.slice(1), {
      withDb: (fn) => withDb(config, fn),
      load: async (db, scope, filters) => loadOutcomes(db, scope, filters, { names: { programmes: await programmeNames(path.join(config.FLOWS_DIR, 'programmes.yaml')) } }),
      chromiumPath: config.CHROMIUM_PATH,
      out: (l) => console.log(l),
      err: (l) => console.error(l),
    });
  }
  // Its own flags (--attended, --absent) and usage, like partners.
  if (argv[0] === 'attendance') {
    const config = loadConfig();
    return attendanceCommand(argv.slice(1), { withDb: (fn) => withDb(config, fn), out: (l) => console.log(l), err: (l) => console.error(l), now: () => new Date() });
  }
  // Its own flags (--role, --limit) and usage, like partners.
  if (argv[0] === 'studio') return studioCli(argv.slice(1), loadConfig());
  // Its own flags (--lang, --dry-run) and usage.
  if (argv[0] === 'translations') {
    return translationsCli(argv.slice(1), loadConfig(), { out: (l) => console.log(l), err: (l) => console.error(l), write: (t) => process.stdout.write(t) });
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'boolean', default: false },
      partner: { type: 'string' },
      conversation: { type: 'string' },
      // privacy export | erase, flows import
      by: { type: 'string' },
      // flows import
      note: { type: 'string' },
      policy: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const config = loadConfig();
  const [group, cmd, ...rest] = positionals;
  if (group === 'flows' && cmd === 'check') return flowsCheck(config, values.db ?? false);
  if (group === 'flows' && cmd === 'graph') return flowsGraph(config, rest[0]);
  if (group === 'flows' && cmd === 'test') return flowsTest(config, rest);
  if (group === 'flows' && (cmd === 'export' || cmd === 'import')) {
    const dir = rest[0];
    if (!dir || rest.length > 1) throw new UsageError(`flows ${cmd} needs one folder`);
    const out = (line: string) => console.log(line);
    return withDb(config, (db) => (cmd === 'export' ? flowsExport(db, dir, out) : flowsImport(config, db, dir, values, out)));
  }
  if (group === 'db' && cmd === 'migrate') {
    const applied = await withDb(config, async () => []);
    console.log(`migrations up to date${applied.length ? `: applied ${applied.join(', ')}` : ''}`);
    return 0;
  }
  if (group === 'db' && cmd === 'seed') {
    const r = await withDb(config, (db) =>
      seedCoordinatorData(db, { flowsDir: config.FLOWS_DIR, mode: 'applyFile', options: courseOptionsOf(config) }),
    );
    for (const line of coordinatorDataLines(r)) console.log(line);
    return r.problems.length || r.conflicts.length ? 1 : 0;
  }
  if (group === 'import' && cmd === 'sessions') {
    const file = rest[0];
    if (!file) throw new UsageError('import sessions needs a CSV file');
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${file}: ${err.code ?? err.message}`);
    });
    const r = await withDb(config, (db) => importSessionsCsv(db, text, { options: courseOptionsOf(config) }));
    if (r.type === 'invalid') {
      for (const e of r.errors) console.log(`${file}:${e.line}: ${e.message}`);
      console.log(`nothing imported: ${r.errors.length} problem(s)`);
      return 1;
    }
    console.log(`imported ${r.sessions} session(s)`);
    return 0;
  }
  if (group === 'applications' && cmd === 'export') {
    if (!values.partner) throw new UsageError('applications export needs --partner <id>');
    const r = await withDb(config, (db) => exportPartnerApplications(db, values.partner!));
    if (r.type === 'unknownPartner') {
      console.error(`no partner "${r.partnerId}"`);
      return 1;
    }
    process.stdout.write(r.csv);
    return 0;
  }
  if (group === 'applications' && cmd === 'set-status') {
    const id = z.coerce.number().int().positive().safeParse(rest[0]);
    const status = applicationStatusSchema.safeParse(rest[1]);
    if (!id.success || !status.success) throw new UsageError('set-status needs an application-vacancy id (a number) and a status');
    // Written in the resident's language, with the same wording files the flows use.
    const notices = noticesFromTranslator(await createTranslator(withDataNames(await loadLocales(config.LOCALES_DIR), await readDataNames(config.FLOWS_DIR))));
    const r = await withDb(config, (db) =>
      // The resident hears of it on their channel: the message goes to their transcript and stream.
      setApplicationStatus(
        db,
        {
          send: (conversationId, replies) => db.transaction((tx) => appendReplies(tx, conversationId, replies, MESSAGES_CHANNEL)),
          notices,
        },
        id.data,
        status.data,
      ),
    );
    console.log(JSON.stringify(r));
    return r.type === 'updated' || r.type === 'unchanged' ? 0 : 1;
  }
  if (group === 'audit') {
    const conversation = values.conversation ?? cmd;
    if (!conversation) throw new UsageError('audit needs --conversation <id>');
    console.log(formatAudit(await withDb(config, (db) => listAudit(db, conversation))));
    return 0;
  }
  if (group === 'handoffs' && cmd === 'list') {
    // With Slack off the handoffs table is the advisers' queue; call-back requests show here.
    console.log(formatHandoffQueue(await withDb(config, (db) => listOpenHandoffs(db, 200)), new Date()));
    return 0;
  }
  if (group === 'privacy') {
    if (rest.length) throw new UsageError(`privacy ${cmd ?? ''}: unexpected ${rest.join(' ')}`);
    return privacyCli(config, { ...(cmd ? { cmd } : {}), ...values });
  }
  throw new UsageError(`unknown command: ${positionals.join(' ') || '(none)'}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(`configuration problems:\n${err.problems.join('\n')}`);
    else if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`${(err as Error).message}\n${USAGE}`);
    else console.error((err as Error).message);
    process.exit(2);
  },
);
