/**
 * Issue 11, item 4: waiting for a person is never silent. Through the real engine (both
 * drivers), with Slack off and on (its Web API a nock stand-in, the real outbox worker): on
 * "talk to a person" the resident is asked how to be contacted, in their language; a number is
 * kept only with consent; every later message gets a short answer while nobody has claimed it;
 * the request is where advisers look (the card and thread, or `anchorline handoffs list`); and
 * "Return to bot" asks again the question the resident was on.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandoffs, type Handoffs } from '../../src/channels/slack/createHandoffs.ts';
import { loadConfig } from '../../src/config.ts';
import { allActions } from '../../src/domain/allActions.ts';
import { formatHandoffQueue } from '../../src/domain/handoffs/formatHandoffQueue.ts';
import { handoffSettings } from '../../src/domain/handoffs/handoffSettings.ts';
import { journeyEraser } from '../../src/domain/journey/eraseJourneyData.ts';
import { ActionRegistry } from '../../src/engine/actions.ts';
import { createEngine } from '../../src/engine/createEngine.ts';
import { pendingQuestion } from '../../src/engine/pendingQuestion.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { makeActionRunner } from '../../src/engine/runAction.ts';
import { FlowCatalog } from '../../src/flows/catalog.ts';
import { findOpenHandoff, listOpenHandoffs } from '../../src/store/handoffs.ts';
import { listMessages } from '../../src/store/messages.ts';
import { findSlackCard } from '../../src/store/slackCards.ts';
import { silent } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { CHANNEL, SLACK, slackStandIn, until } from '../channels/slack/slackHarness.ts';

const ALWAYS_OPEN = handoffSettings.HANDOFF_OFFICE_HOURS.schema.parse(
  JSON.stringify({ default: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])) }),
);
const textOf = (r: Reply) => ('text' in r ? r.text : r.type);

for (const slackOn of [false, true]) {
  describe(`waiting for a person (Slack ${slackOn ? 'on' : 'off'})`, () => {
    let t: TestDb;
    let desk: Handoffs;
    let api: ReturnType<typeof slackStandIn> | undefined;
    let send: (c: string, text: string, value?: string) => Promise<Reply[]>;

    beforeAll(async () => {
      t = await createTestDb();
      if (slackOn) api = slackStandIn();
      const config = loadConfig({});
      const actions = new ActionRegistry().register(...(await allActions(config)));
      const catalog = new FlowCatalog({ flowsDir: 'flows', localesDir: 'locales', actions }, t.db);
      if (!(await catalog.reload()).ok) throw new Error('shipped flows do not load');
      desk = createHandoffs({
        db: t.db,
        logger: silent,
        localesDir: path.resolve('locales'),
        flowsDir: path.resolve('flows'),
        defaultLocale: 'en',
        officeHours: ALWAYS_OPEN,
        escalationMinutes: 15,
        // As app.ts wires it.
        pendingQuestion: (tx, conversationId) => pendingQuestion(catalog, tx, conversationId, silent),
        slack: slackOn
          ? { botToken: 'xoxb-waiting', signingSecret: 'waiting-signing-secret', handoffChannel: CHANNEL, apiUrl: `${SLACK}/api/`, notePrefix: 'note:' }
          : { notePrefix: 'note:' },
      });
      const engine = createEngine({
        db: t.db,
        catalog,
        logger: silent,
        runAction: makeActionRunner(actions, 2000, silent),
        handoffs: desk.service,
        safeguarding: desk.safeguarding,
        erasers: [journeyEraser(), desk.eraser],
      });
      await desk.start();
      let n = 0;
      send = async (c, text, value) =>
        (
          await engine.handleTurn({
            conversationId: c,
            channel: 'test',
            activityId: `w${++n}`,
            user: { id: c },
            text,
            ...(value ? { value } : {}),
            receivedAt: new Date(),
          })
        ).replies;
    });
    afterAll(async () => {
      await desk?.stop();
      api?.done();
      await t?.close();
    });

    /** Consent and age given, then "talk to a person"; returns what the bot said then, and the question it was on. */
    async function askForPerson(c: string, lang: 'en' | 'ur') {
      await send(c, 'hello');
      await send(c, lang === 'en' ? 'English' : 'اردو');
      await send(c, lang === 'en' ? 'yes' : 'ہاں');
      const onQuestion = (await send(c, '19')).at(-1)!;
      const said = await send(c, lang === 'en' ? 'talk to a person' : 'کسی انسان سے بات کریں');
      return { said, onQuestion };
    }

    it('English: asks how to be contacted, takes a number only with consent, then short answers, never silence', async () => {
      const c = `en-${slackOn}`;
      const { said } = await askForPerson(c, 'en');
      expect(said.at(-1)).toEqual({
        type: 'choices',
        text: 'How would you like an adviser to contact you?',
        choices: [
          { value: 'handoff.contact.chat', label: 'Chat here' },
          { value: 'handoff.contact.phone', label: 'Phone call' },
          { value: 'handoff.contact.email', label: 'Email' },
        ],
        locale: 'en',
        dir: 'ltr',
      });
      expect((await send(c, 'a phone call please')).map(textOf)).toEqual([expect.stringContaining('What is your phone number?')]);
      expect((await send(c, '07700 90012')).map(textOf)).toEqual([expect.stringContaining('does not look right')]);
      const consent = await send(c, '07700 900123, mornings');
      expect(consent).toEqual([expect.objectContaining({ type: 'choices', text: expect.stringContaining('Can we keep 07700 900123 (mornings) and use it only to call you') })]);
      expect((await send(c, 'Yes')).map(textOf)).toEqual(['Thank you. An adviser will call you on 07700 900123 as soon as one is free.']);
      // Every later message: the same short line, not the long text again.
      const short = 'Thank you. I have passed this on. An adviser will reply as soon as they can.';
      expect((await send(c, 'hello?')).map(textOf)).toEqual([short]);
      expect((await send(c, 'is anyone there')).map(textOf)).toEqual([short]);

      const h = (await findOpenHandoff(t.db, c))!;
      expect(h.contact).toMatchObject({ step: 'done', method: 'phone', value: '07700 900123 (mornings)', consentAt: expect.any(Date) });
      if (api) {
        const card = await until(() => findSlackCard(t.db, h.id), 'card posted');
        const callback = await until(async () => api!.of('chat.postMessage').find((p) => p.thread_ts === card.ts && p.text?.includes('Call-back requested')), 'call-back in the thread');
        expect(JSON.parse(callback.blocks!)).toEqual([
          { type: 'section', text: { type: 'plain_text', text: 'Call-back requested: 07700 900123. Preferred time: mornings', emoji: false } },
        ]);
      } else {
        // Slack off: the CLI queue is where advisers see it.
        const listed = formatHandoffQueue(await listOpenHandoffs(t.db), new Date());
        expect(listed).toMatch(new RegExp(`#${h.id} .*unclaimed.*contact: CALL 07700 900123 \\(mornings\\)`));
        expect(listed).not.toContain('hello?');
      }
    });

    it('Urdu: the question, buttons and answers are in Urdu; typed words choose; email with consent', async () => {
      const c = `ur-${slackOn}`;
      const { said } = await askForPerson(c, 'ur');
      expect(said.at(-1)).toMatchObject({
        type: 'choices',
        text: 'آپ کس طرح چاہیں گے کہ ایک مشیر آپ سے رابطہ کرے؟',
        choices: [
          { value: 'handoff.contact.chat', label: 'یہیں چیٹ' },
          { value: 'handoff.contact.phone', label: 'فون کال' },
          { value: 'handoff.contact.email', label: 'ای میل' },
        ],
        locale: 'ur',
        dir: 'rtl',
      });
      expect((await send(c, 'ای میل')).map(textOf)).toEqual(['آپ کا ای میل پتہ کیا ہے؟']);
      expect((await send(c, 'ali@example')).map(textOf)).toEqual([expect.stringContaining('ای میل پتہ درست نہیں')]);
      expect(await send(c, 'میرا ای میل ali@example.org ہے')).toEqual([
        expect.objectContaining({ type: 'choices', locale: 'ur', text: expect.stringContaining('ali@example.org'), choices: [expect.objectContaining({ label: 'ہاں' }), expect.objectContaining({ label: 'نہیں، یہیں چیٹ' })] }),
      ]);
      expect((await send(c, 'ہاں', 'handoff.contact.yes')).map(textOf)).toEqual(['شکریہ۔ ایک مشیر جیسے ہی فارغ ہوگا آپ کو ali@example.org پر ای میل کرے گا۔']);
      expect((await send(c, 'شکریہ')).map(textOf)).toEqual(['شکریہ۔ میں نے یہ آگے بھیج دیا ہے۔ ایک مشیر جلد از جلد جواب دے گا۔']);
      expect((await findOpenHandoff(t.db, c))!.contact).toMatchObject({ method: 'email', value: 'ali@example.org', consentAt: expect.any(Date) });
    });

    it('a resident who ignores the question is offered it once more, then gets short answers; once claimed the bot is quiet', async () => {
      const c = `ignore-${slackOn}`;
      await askForPerson(c, 'en');
      expect(await send(c, 'I need help with my CV')).toEqual([expect.objectContaining({ type: 'choices', text: expect.stringContaining('You can still choose') })]);
      expect((await send(c, 'my CV is attached')).map(textOf)).toEqual([expect.stringContaining('I have passed this on')]);
      const h = (await findOpenHandoff(t.db, c))!;
      expect(h.contact).toMatchObject({ step: 'done', method: 'chat' });
      expect((await desk.service.claim(h.id, { id: 'USAM', name: 'Sam' })).ok).toBe(true);
      expect(await send(c, 'thanks Sam')).toEqual([]);
    });

    it('"Return to bot" repeats the question the resident was on, in their language', async () => {
      for (const lang of ['en', 'ur'] as const) {
        const c = `return-${lang}-${slackOn}`;
        const { onQuestion } = await askForPerson(c, lang);
        const h = (await findOpenHandoff(t.db, c))!;
        expect((await desk.service.claim(h.id, { id: 'USAM', name: 'Sam' })).ok).toBe(true);
        const before = (await listMessages(t.db, c, 0, 500)).at(-1)!.seq;
        expect((await desk.service.returnToBot(h.id, { id: 'USAM' })).ok).toBe(true);
        const after = (await listMessages(t.db, c, before, 50)).map((m) => m.body as Reply);
        expect(after).toHaveLength(2);
        expect(after[0]).toMatchObject({ type: 'handoffStatus', status: 'returned', locale: lang });
        // The same question (and buttons) the flow was waiting on before the handoff.
        expect(after[1]).toEqual(onQuestion);
        // The conversation is the bot's again: a new request opens a new handoff and asks again how to make contact.
        expect((await send(c, lang === 'en' ? 'talk to a person' : 'کسی انسان سے بات کریں')).at(-1)).toMatchObject({ type: 'choices', locale: lang });
      }
    });
  });
}
