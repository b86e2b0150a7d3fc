/**
 * "Delete my data", "stop" and "help" answer in every state — also while the resident waits
 * for an adviser or talks to one — and are never relayed to the adviser instead. With Slack on
 * (its Web API a nock stand-in, the real outbox worker) the adviser's card says the resident left
 * and, after "delete my data", shows no summary; with Slack off the handoff simply closes.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandoffs, type Handoffs } from '../../src/channels/slack/createHandoffs.ts';
import { loadConfig } from '../../src/config.ts';
import { allActions } from '../../src/domain/allActions.ts';
import { handoffSettings } from '../../src/domain/handoffs/handoffSettings.ts';
import { journeyEraser } from '../../src/domain/journey/eraseJourneyData.ts';
import { ActionRegistry } from '../../src/engine/actions.ts';
import { createEngine } from '../../src/engine/createEngine.ts';
import type { Reply } from '../../src/engine/reply.ts';
import { makeActionRunner } from '../../src/engine/runAction.ts';
import { FlowCatalog } from '../../src/flows/catalog.ts';
import { findOpenHandoff } from '../../src/store/handoffs.ts';
import { findSlackCard } from '../../src/store/slackCards.ts';
import { silent } from '../helpers/flowDir.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';
import { CHANNEL, SLACK, slackStandIn, until } from '../channels/slack/slackHarness.ts';

const texts = (rs: Reply[]) => rs.map((r) => ('text' in r ? r.text : r.type));
const ALWAYS_OPEN = handoffSettings.HANDOFF_OFFICE_HOURS.schema.parse(
  JSON.stringify({ default: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-24:00']])) }),
);

for (const slackOn of [false, true]) {
  describe(`privacy commands during a handoff (Slack ${slackOn ? 'on' : 'off'})`, () => {
    let t: TestDb;
    let desk: Handoffs;
    let api: ReturnType<typeof slackStandIn> | undefined;
    let send: (c: string, text: string) => Promise<string[]>;

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
        slack: slackOn
          ? { botToken: 'xoxb-privacy', signingSecret: 'privacy-signing-secret', handoffChannel: CHANNEL, apiUrl: `${SLACK}/api/`, notePrefix: 'note:' }
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
      send = async (c, text) =>
        texts((await engine.handleTurn({ conversationId: c, channel: 'test', activityId: `p${++n}`, user: { id: c }, text, receivedAt: new Date() })).replies);
    });
    afterAll(async () => {
      await desk?.stop();
      api?.done();
      await t?.close();
    });

    /** A resident who consented, gave their age, and asked for a person (optionally claimed by Sam). */
    async function inHandoff(c: string, claimed: boolean) {
      await send(c, 'hello');
      await send(c, 'English');
      await send(c, 'yes');
      await send(c, '19');
      expect((await send(c, 'talk to a person')).join('\n')).toMatch(/adviser/);
      const h = await findOpenHandoff(t.db, c);
      expect(h).toBeDefined();
      // The adviser's card is in Slack before the resident changes their mind (a card never posted is never shown).
      if (api) await until(() => findSlackCard(t.db, h!.id), 'card posted');
      if (claimed) expect((await desk.service.claim(h!.id, { id: 'USAM', name: 'Sam' })).ok).toBe(true);
      return h!;
    }
    const relayedTexts = () => (api ? api.of('chat.postMessage').filter((p) => p.thread_ts).map((p) => p.text ?? '') : []);
    async function row(c: string) {
      const { rows } = await t.db.query<{ owner: string; status: string; consent: boolean }>('SELECT owner, status, consent FROM conversations WHERE id = $1', [c]);
      return rows[0];
    }
    async function handoffRow(id: number) {
      const { rows } = await t.db.query<{ status: string; summary: unknown }>('SELECT status, summary FROM handoffs WHERE id = $1', [id]);
      return rows[0];
    }

    it('a safeguarding signal while waiting signposts at once, makes the handoff urgent, and still reaches the adviser', async () => {
      const c = `sg-${slackOn}`;
      const h = await inHandoff(c, false);
      const out = (await send(c, 'i want to kill myself')).join('\n');
      expect(out).toMatch(/999/);
      const { rows } = await t.db.query<{ urgency: string; status: string }>('SELECT urgency, status FROM handoffs WHERE id = $1', [h.id]);
      expect(rows[0]).toMatchObject({ urgency: 'urgent' });
      expect(await row(c)).toMatchObject({ owner: 'person' });
      if (api) await until(async () => relayedTexts().some((x) => x.includes('i want to kill myself')) || undefined, 'the message in the thread');
    });

    it('"start again" while claimed closes the handoff (the adviser is told the resident left) and starts the flow afresh', async () => {
      const c = `restart-${slackOn}`;
      const h = await inHandoff(c, true);
      expect((await send(c, 'start again'))[0]).toMatch(/^Hello! I am Anchorline/);
      expect(await row(c)).toMatchObject({ owner: 'bot', status: 'active' });
      expect((await handoffRow(h.id))!.status).toBe('closed');
      if (api) {
        await until(async () => api!.of('chat.update').find((u) => (u.text ?? '').includes(`Handoff #${h.id}: the resident left`)), 'card says the resident left', 20_000);
      }
    });

    for (const claimed of [false, true]) {
      const state = claimed ? 'claimed' : 'waiting';

      it(`"help" while ${state} answers the resident and is not passed to the adviser`, async () => {
        const c = `help-${state}-${slackOn}`;
        await inHandoff(c, claimed);
        const out = await send(c, 'help');
        expect(out.join("\n")).toMatch(/^You can answer the question, or type/);
        expect(relayedTexts().some((x) => x.includes('help'))).toBe(false);
        expect(await row(c)).toMatchObject({ owner: 'person' });
        // Anything else still goes to the adviser; the bot stays silent once an adviser has it,
        // and while nobody has, answers briefly (issue 11: waiting is never silent).
        const reply = await send(c, 'are you there?');
        if (claimed) expect(reply).toEqual([]);
        else expect(reply.join('\n')).toMatch(/passed this on/);
        if (api) await until(async () => relayedTexts().some((x) => x.includes('are you there?')) || undefined, 'relay in the thread');
      });

      it(`"stop" while ${state} ends the chat and closes the handoff; the adviser is told the resident left`, async () => {
        const c = `stop-${state}-${slackOn}`;
        const h = await inHandoff(c, claimed);
        expect(await send(c, 'stop')).toEqual(['OK, we will stop here. Say hello at any time to start again.']);
        expect(await row(c)).toMatchObject({ owner: 'bot', status: 'ended' });
        expect(await findOpenHandoff(t.db, c)).toBeUndefined();
        expect((await handoffRow(h.id))!.status).toBe('closed');
        if (api) {
          await until(async () => api!.of('chat.update').find((u) => (u.text ?? '').includes(`Handoff #${h.id}: the resident left`)), 'card says the resident left', 20_000);
        }
        // Nothing after "stop" reaches the adviser: the next message starts the flow afresh.
        expect((await send(c, 'hello'))[0]).toMatch(/^Hello! I am Anchorline/);
      });

      it(`"delete my data" while ${state} erases everything and the card keeps no summary`, async () => {
        const c = `erase-${state}-${slackOn}`;
        const h = await inHandoff(c, claimed);
        expect((await handoffRow(h.id))!.summary).not.toEqual([]);
        expect(await send(c, 'delete my data')).toEqual(['Done. We have deleted your answers and this chat. Say hello to start again.']);
        expect(await row(c)).toMatchObject({ owner: 'bot', status: 'ended', consent: false });
        expect(await findOpenHandoff(t.db, c)).toBeUndefined();
        const after = await handoffRow(h.id);
        expect(after!.status).toBe('closed');
        expect(JSON.stringify(after!.summary)).not.toContain('Age');
        const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND body::text LIKE '%19%'`, [c]);
        expect(rows[0]!.n).toBe(0);
        if (api) {
          const update = await until(
            async () => api!.of('chat.update').find((u) => (u.text ?? '').includes(`Handoff #${h.id}: the resident's data has been deleted`)),
            'card wiped',
            // An update waits for the card itself to be posted; the worker's next pass may be its 10 s poll.
            20_000,
          );
          expect(update.blocks).not.toContain('Age');
          expect(update.blocks).toContain('The summary, transcript and relayed messages have been removed.');
        }
      });
    }
  });
}
