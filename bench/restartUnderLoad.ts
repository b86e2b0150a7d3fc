/**
 * `npm run bench:restart` — restarts the local PostgreSQL while 50 residents book course places,
 * then counts what a resident or a coordinator would notice: double bookings, seats counted
 * wrong, and residents told "that did not go through" for a booking that had in fact committed.
 *
 * It restarts the server with `pg_ctlcluster` (fast mode: every connection is cut), so run it
 * on a development machine with nothing else using that PostgreSQL. Environment:
 * RESTART_DATABASE_URL (default postgres://root@127.0.0.1:5432/test), RESTART_RESIDENTS (50),
 * RESTART_AFTER_MS (when to restart, default 1500), RESTART_LIMIT_MS (give up, default 60000).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { seedCourseData } from '../src/domain/courses/seedCourses.ts';
import { journeyActions } from '../src/domain/journey/journeyActions.ts';
import { noticesFromTranslator } from '../src/domain/shared/notices.ts';
import { createTranslator, loadLocales } from '../src/i18n.ts';
import { ActionRegistry } from '../src/engine/actions.ts';
import { createEngine } from '../src/engine/createEngine.ts';
import { makeActionRunner } from '../src/engine/runAction.ts';
import { FlowCatalog } from '../src/flows/catalog.ts';
import { migrate } from '../src/store/migrate.ts';
import { PgDb } from '../src/store/pgDriver.ts';
import { ROOT, replyText } from './anchorline.ts';

const url = process.env.RESTART_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const residents = Number(process.env.RESTART_RESIDENTS ?? 50);
const restartAfterMs = Number(process.env.RESTART_AFTER_MS ?? 1500);
const limitMs = Number(process.env.RESTART_LIMIT_MS ?? 60_000);
const NOT_DONE = /^Sorry, that did not go through/;

const SESSIONS = Number(process.env.RESTART_SESSIONS ?? 20);
const sessionIds = Array.from({ length: SESSIONS }, (_, i) => `bench-s${String(i + 1).padStart(2, '0')}`);
// Each answer books the named session; the reply says whether the booking was new or already there.
const FLOW = `id: main
steps:
  which:
    ask: session
    type: text
    question: about.ageQuestion
  book:
    call: bookSession
    params: { sessionId: $session }
    result: booking
    next:
      - if: { equals: [booking.type, notFound] }
        goto: done
      - if: { equals: [booking.alreadyHad, true] }
        goto: again
      - goto: fresh
  again:
    say: about.thanks
    next: which
  fresh:
    say: consent.thanks
    next: which
  done:
    end: true
    say: journey.goodbye
`;
const ALREADY = /^Thank you\. That helps me/;
const BOOKED = /^Thank you/;

const schema = `restart_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
await admin.end();
const db = new PgDb({ connectionString: url, schema, max: 20 });
await migrate(db);
await seedCourseData(db, {
  courses: [
    {
      id: 'restart-course',
      name: 'Restart course',
      programme: 'i-can',
      jobFamily: 'facilities',
      lengthWeeks: 5,
      guaranteedInterview: true,
      languages: ['en'],
      sessions: sessionIds.map((id) => ({ id, venue: { name: 'Hall', address: '1 Road, Birmingham B1 1AA', accessible: true }, startDate: '2099-01-11', startTime: '09:30', endTime: '15:00', capacity: residents * 2 })),
    },
  ],
});

const root = mkdtempSync(path.join(tmpdir(), 'anchorline-restart-'));
const flowsDir = path.join(root, 'flows');
const localesDir = path.join(root, 'locales');
cpSync(path.join(ROOT, 'locales'), localesDir, { recursive: true });
cpSync(path.join(ROOT, 'flows', 'commands.yaml'), path.join(flowsDir, 'commands.yaml'));
writeFileSync(path.join(flowsDir, 'main.flow.yaml'), FLOW);
const logger = pino({ level: 'silent' });
const notices = noticesFromTranslator(await createTranslator(await loadLocales(localesDir)));
const registry = new ActionRegistry().register(...journeyActions({ notices }));
const catalog = new FlowCatalog({ flowsDir, localesDir, actions: registry }, db);
if (!(await catalog.reload()).ok) throw new Error('restart flow refused');
const engine = createEngine({ db, catalog, logger, runAction: makeActionRunner(registry, 5000, logger), statementTimeoutMs: 10_000 });

const stats = { turns: 0, thrown: 0, notDone: 0, alreadyAfterNotDone: 0, alreadyOtherwise: 0, wrongReply: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = Date.now();

/**
 * A resident books every session in turn. "Not sent" (the engine threw: the channel answered 503)
 * is re-sent with the same activity id, as a client retries; "did not go through" is typed again.
 */
async function resident(i: number): Promise<void> {
  const id = `r${i}`;
  let n = 0;
  const say = async (text: string): Promise<string[]> => {
    const activityId = `${id}-${++n}`;
    for (;;) {
      if (Date.now() - started > limitMs) throw new Error(`${id} gave up`);
      try {
        stats.turns++;
        const out = await engine.handleTurn({ conversationId: id, channel: 'test', activityId, user: { id }, text, receivedAt: new Date() });
        return out.replies.map(replyText);
      } catch {
        stats.thrown++;
        await sleep(200);
      }
    }
  };
  await say('hello');
  for (const session of sessionIds) {
    let toldNotDone = false;
    for (;;) {
      const replies = await say(session);
      if (replies.some((r) => NOT_DONE.test(r))) {
        stats.notDone++;
        toldNotDone = true;
        await sleep(100);
        continue;
      }
      const first = replies[0] ?? '';
      // A booking that was already there: an earlier turn committed it, and the resident was told otherwise.
      if (ALREADY.test(first)) {
        if (toldNotDone) stats.alreadyAfterNotDone++;
        else stats.alreadyOtherwise++;
      } else if (!BOOKED.test(first)) stats.wrongReply++;
      break;
    }
    await sleep(50);
  }
}

const runs = Array.from({ length: residents }, (_, i) => sleep(i * 10).then(() => resident(i)));
await sleep(restartAfterMs);
const cluster = readdirSync('/etc/postgresql')[0]!;
const restartAt = Date.now() - started;
execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', cluster, 'main', 'restart', '-m', 'fast'], { stdio: 'ignore' });
const restartedAt = Date.now() - started;
const settled = await Promise.allSettled(runs);

// A fresh pool for the counts: the run's pool may still hold connections the restart cut.
const check = new PgDb({ connectionString: url, schema, max: 2 });
const q = async <R>(sql: string) => (await check.query(sql)).rows as R[];
const seats = await q<{ id: string; taken: number; booked: number }>(
  `SELECT s.id, s.taken, (SELECT count(*)::int FROM bookings b WHERE b.session_id = s.id AND b.status = 'booked') AS booked FROM course_sessions s`,
);
const doubles = await q<{ n: number }>(
  `SELECT count(*)::int AS n FROM (SELECT conversation_id, session_id FROM bookings WHERE status IN ('booked','waiting','offered') GROUP BY 1, 2 HAVING count(*) > 1) d`,
);
const perResidentBookings = await q<{ n: number }>(
  `SELECT count(*)::int AS n FROM bookings WHERE status = 'booked' GROUP BY conversation_id`,
);
const result = {
  residents,
  sessionsEach: SESSIONS,
  restartAtMs: restartAt,
  restartTookMs: restartedAt - restartAt,
  finishedMs: Date.now() - started,
  gaveUp: settled.filter((s) => s.status === 'rejected').length,
  turns: stats.turns,
  turnsNotSentThenResent: stats.thrown,
  toldNotDone: stats.notDone,
  doubleBookings: doubles[0]?.n ?? 0,
  residentsMissingABooking: residents - perResidentBookings.filter((r) => r.n === SESSIONS).length,
  toldNotDoneButCommitted: stats.alreadyAfterNotDone,
  alreadyBookedOtherwise: stats.alreadyOtherwise,
  unexpectedReplies: stats.wrongReply,
  sessionsWithSeatCountWrong: seats.filter((x) => x.taken !== x.booked).length,
};
console.log(JSON.stringify(result, null, 2));
await check.close();
await db.close();
const c = new pg.Client({ connectionString: url });
await c.connect();
await c.query(`DROP SCHEMA ${schema} CASCADE`);
await c.end();
rmSync(root, { recursive: true, force: true });
process.exitCode = result.doubleBookings + result.toldNotDoneButCommitted + result.gaveUp + result.residentsMissingABooking + result.sessionsWithSeatCountWrong + result.unexpectedReplies === 0 ? 0 : 1;
