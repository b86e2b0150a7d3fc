import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ActionRegistry } from '../../src/engine/actions.ts';
import { createEngine } from '../../src/engine/createEngine.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { makeActionRunner } from '../../src/engine/runAction.ts';
import { FlowCatalog } from '../../src/flows/catalog.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { flowDir } from '../helpers/flowDir.ts';
import { createSafeguardingCheck } from '../../src/domain/safeguarding/createSafeguardingCheck.ts';
import { loadPhraseLists } from '../../src/domain/safeguarding/phraseList.ts';
import { allActions } from '../../src/domain/allActions.ts';
import { loadConfig } from '../../src/config.ts';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGE_CODES } from '../../src/languages.ts';

const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type));
const logger = pino({ level: 'silent' });

describe('global commands, inactivity and reload', () => {
  let t: TestDb;
  let clock = new Date('2026-11-28T10:00:00Z');
  let dirs: ReturnType<typeof flowDir>;
  let catalog: FlowCatalog;
  let engine: ReturnType<typeof createEngine>;
  let actions: ActionRegistry;
  let n = 0;
  const send = (c: string, text?: string, value?: unknown) =>
    engine.handleTurn({ conversationId: c, channel: 'test', activityId: `x${++n}`, user: { id: 'u' }, text, value, receivedAt: clock });

  beforeAll(async () => {
    t = await createTestDb();
    dirs = flowDir({});
    for (const f of ['main.flow.yaml', 'about_you.flow.yaml']) cpSync(path.join('flows', f), path.join(dirs.flowsDir, f));
    actions = new ActionRegistry().register(...(await allActions(loadConfig({}))));
    catalog = new FlowCatalog({ ...dirs, actions }, t.db);
    if (!(await catalog.reload()).ok) throw new Error('shipped flows do not load');
    engine = createEngine({ db: t.db, catalog, logger, inactivityMinutes: 60, runAction: makeActionRunner(actions, 1000, logger) });
  });
  afterAll(async () => t.close());

  async function toAgeQuestion(c: string) {
    await send(c, 'hi');
    await send(c, undefined, 'en');
    return send(c, undefined, 'yes');
  }

  it('"start again" restarts the flow from the greeting', async () => {
    await toAgeQuestion('c-restart');
    expect(texts((await send('c-restart', 'Start again!')).replies)).toEqual([
      'Hello! I am Anchorline. I help people in Birmingham and Solihull find training and jobs with the NHS, the council and other local employers.',
      'Which language would you like to use?',
    ]);
  });

  it('"change language" offers every shipped language and switches to right-to-left Urdu', async () => {
    await toAgeQuestion('c-lang');
    const offer = (await send('c-lang', 'change language')).replies[0]!;
    // Every language Anchorline speaks (all are live in tests), the resident's own first.
    expect(offer.type === 'choices' && offer.choices.map((c) => c.value)).toEqual(LANGUAGE_CODES.map((c) => `lang:${c}`));
    const switched = (await send('c-lang', undefined, 'lang:ur')).replies;
    expect(switched.every((r) => 'dir' in r && r.dir === 'rtl')).toBe(true);
    expect(texts(switched)[1]).toBe('آپ کی عمر کتنی ہے؟');
  });

  it('"talk to a person" without an adviser service says someone will contact them', async () => {
    await toAgeQuestion('c-person');
    expect(texts((await send('c-person', 'talk to a person')).replies)).toEqual(['I am sorry, no one can chat right now. An adviser will contact you.']);
  });

  it('"delete my data" erases the answers and the transcript', async () => {
    await toAgeQuestion('c-del');
    await send('c-del', '19');
    const before = (await t.db.query<{ last_seq: number }>(`SELECT last_seq FROM conversations WHERE id = 'c-del'`)).rows[0]!.last_seq;
    expect(texts((await send('c-del', 'delete my data')).replies)[0]).toMatch(/^Done. We have deleted/);
    const { rows } = await t.db.query<{ snapshot: unknown; consent: boolean }>(`SELECT snapshot, consent FROM conversations WHERE id = 'c-del'`);
    expect(rows[0]).toEqual({ snapshot: null, consent: false });
    const msgs = await t.db.query<{ body: unknown }>(`SELECT body FROM messages WHERE conversation_id = 'c-del' AND direction = 'in'`);
    expect(msgs.rowCount).toBe(0);
    // The confirmation is numbered after everything before it, so a stream past the old messages still gets it.
    const out = await t.db.query<{ seq: number }>(`SELECT seq::int AS seq FROM messages WHERE conversation_id = 'c-del'`);
    expect(out.rows.map((r) => r.seq)).toEqual([Number(before) + 1]);
  });

  it('"stop" ends the conversation; the next message starts afresh', async () => {
    await toAgeQuestion('c-stop');
    expect(texts((await send('c-stop', 'stop')).replies)[0]).toMatch(/we will stop here/);
    expect(texts((await send('c-stop', 'hello')).replies)[0]).toMatch(/^Hello! I am Anchorline/);
  });

  it('welcomes back a resident idle longer than the setting, then carries on', async () => {
    await toAgeQuestion('c-idle');
    clock = new Date(clock.getTime() + 3 * 60 * 60 * 1000);
    const back = (await send('c-idle', '18 to 24')).replies[0]!;
    expect(back.type === 'choices' && back.choices.map((c) => c.value)).toEqual(['cmd:continue', 'cmd:restart']);
    expect(texts((await send('c-idle', undefined, 'cmd:continue')).replies)).toEqual(['How old are you?']);
    expect(texts((await send('c-idle', '19')).replies)).toEqual(['What are you doing at the moment?']);
  });

  it('refuses files politely and still reads the text sent with them', async () => {
    await toAgeQuestion('c-file');
    const onlyFile = await engine.handleTurn({ conversationId: 'c-file', channel: 'test', activityId: 'f1', user: { id: 'u' }, attachments: 1, receivedAt: clock });
    expect(texts(onlyFile.replies)[0]).toMatch(/^Sorry, I cannot take files or photos here/);
    const withText = await engine.handleTurn({ conversationId: 'c-file', channel: 'test', activityId: 'f2', user: { id: 'u' }, text: '19', attachments: 2, receivedAt: clock });
    expect(texts(withText.replies)).toEqual([expect.stringMatching(/^Sorry, I cannot take files/), 'What are you doing at the moment?']);
  });

  it('signposts at once with the youth helplines for a 17-year-old, and pauses the flow', async () => {
    const check = createSafeguardingCheck(loadPhraseLists('flows/safeguarding'));
    const guarded = createEngine({ db: t.db, catalog, logger, safeguarding: check, runAction: makeActionRunner(actions, 1000, logger) });
    const say = (text: string, id: string) =>
      guarded.handleTurn({ conversationId: 'c-sg', channel: 'test', activityId: id, user: { id: 'u' }, text, receivedAt: clock });
    await toAgeQuestion('c-sg');
    await say('17', 'sg1');
    const out = texts((await say('i am going to kill myself', 'sg2')).replies).join('\n');
    expect(out).toMatch(/999/);
    expect(out).toMatch(/Childline/);
    const { rows } = await t.db.query<{ snapshot: { value: unknown } }>(`SELECT snapshot FROM conversations WHERE id = 'c-sg'`);
    expect(rows[0]!.snapshot.value).toEqual({ about: 'work' });
  });

  it('a command whose action fails apologises and keeps the conversation where it was', async () => {
    await toAgeQuestion('c-cmdfail');
    const failing = async () => {
      throw new Error('database blip');
    };
    const broken = new ActionRegistry().register(
      ...(await allActions(loadConfig({}))).map((a) => (a.name === 'applicationStatus' ? { ...a, run: failing } : a)),
    );
    const brokenCatalog = new FlowCatalog({ ...dirs, actions: broken }, t.db);
    await brokenCatalog.reload();
    const e = createEngine({ db: t.db, catalog: brokenCatalog, logger, runAction: makeActionRunner(broken, 1000, logger) });
    const out = await e.handleTurn({ conversationId: 'c-cmdfail', channel: 'test', activityId: 'cf1', user: { id: 'u' }, text: 'where is my application', receivedAt: clock });
    expect(texts(out.replies)).toEqual([expect.stringMatching(/^Sorry, that did not go through on our side, so nothing was changed/), 'How old are you?']);
  });

  it('keeps the last good flows live when a changed file fails the checker', async () => {
    const before = catalog.current.flows.get('main')!.version;
    dirs.write('main.flow.yaml', 'id: main\nsteps:\n  a:\n    say: welcome.greeting\n    next: nowhere\n');
    const r = await catalog.reload();
    expect(r.ok).toBe(false);
    expect(catalog.lastProblems.map((p) => `${p.line}:${p.col} ${p.code}`)).toContain('5:11 unknown_step');
    expect(catalog.current.flows.get('main')!.version).toBe(before);
    expect(texts((await send('c-after-bad-reload', 'hi')).replies)[0]).toMatch(/^Hello! I am Anchorline/);
  });
});
