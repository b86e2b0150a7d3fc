/**
 * The Direct Line endpoint with the real engine and the shipped flows, driven by
 * botframework-directlinejs the way Web Chat drives it: welcome, language and consent by
 * pressing the suggested actions, an answer typed, the transcript again after a reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { connect, serveDirectLine, silentLogger, type Client, type Served } from './directLineHarness.ts';
import { createRealEngine } from './realEngine.ts';

let t: TestDb;
let s: Served;

beforeAll(async () => {
  t = await createTestDb();
  const engine = await createRealEngine(t.db);
  s = await serveDirectLine({ db: t.db, engine, logger: silentLogger, tokenSigningKey: 'k'.repeat(32), widgetOrigins: [] });
});
afterAll(async () => {
  await s?.close();
  await t?.close();
});

async function generate() {
  const res = await fetch(`${s.domain}/tokens/generate`, { method: 'POST' });
  return (await res.json()) as { conversationId: string; token: string };
}

type Action = { type: string; title: string; text: string; displayText: string; value: string };

/** Presses a suggested action as Web Chat does (messageBack: text shown, value passed on). */
async function press(c: Client, activity: Record<string, unknown>, title: string, clientActivityID: string) {
  const actions = (activity.suggestedActions as { actions: Action[] }).actions;
  const action = actions.find((a) => a.title === title);
  if (!action) throw new Error(`no button "${title}" in ${JSON.stringify(actions.map((a) => a.title))}`);
  expect(action.type).toBe('messageBack');
  await c.post({ type: 'message', text: action.text, value: action.value, channelData: { clientActivityID, messageBack: { displayText: action.displayText } } });
}

const withActions = (text: RegExp) => (a: Client['activities'][number]) => a.type === 'message' && text.test(String(a.text)) && !!a.suggestedActions;

describe('Direct Line with the real engine and default flows', () => {
  it('welcome, language and consent by buttons, an answer by typing; the transcript survives a reload', async () => {
    const { token, conversationId } = await generate();
    const c = connect({ domain: s.domain, token, webSocket: true, conversationStartProperties: { locale: 'en' } });
    let seen: unknown[];
    try {
      await c.waitFor((a) => String(a.text).startsWith('Hello! I am Anchorline'), 'greeting');
      await press(c, await c.waitFor(withActions(/language/), 'language question'), 'English', 'c-lang');
      await press(c, await c.waitFor(withActions(/OK for us to keep your answers/), 'consent question'), 'Yes', 'c-consent');
      const echo = await c.waitFor((a) => (a.channelData as { clientActivityID?: string } | undefined)?.clientActivityID === 'c-consent', 'consent echo');
      expect(echo).toMatchObject({ text: 'Yes', from: { role: 'user' } });
      // The first question about them; it is answered by typing.
      await c.waitFor((a) => /How old are you/.test(String(a.text)), 'age question');
      await c.post({ type: 'message', text: '19', channelData: { clientActivityID: 'c-age' } });
      const typed = await c.waitFor((a) => (a.channelData as { clientActivityID?: string } | undefined)?.clientActivityID === 'c-age', 'typed answer echo');
      // Server ids are `<conversation>|<zero-padded seq>`, so they sort in transcript order.
      await c.waitFor((a) => (a.from as { role: string }).role === 'bot' && String(a.id) > String(typed.id), 'reply to the typed answer');
      seen = c.activities.filter((a) => a.type === 'message').map((a) => a.id);
    } finally {
      c.end();
    }

    const reloaded = connect({ domain: s.domain, token, conversationId, webSocket: true });
    try {
      await reloaded.waitFor((a) => a.id === seen.at(-1), 'the last message in the transcript');
      expect(reloaded.activities.filter((a) => a.type === 'message').map((a) => a.id)).toEqual(seen);
      // The start turn is never shown: the transcript opens with the greeting.
      expect(reloaded.activities[0]?.text).toMatch(/^Hello! I am Anchorline/);
    } finally {
      reloaded.end();
    }
  });

  it('starts in Urdu, right to left, when the conversation starts with locale ur', async () => {
    const { token } = await generate();
    const c = connect({ domain: s.domain, token, webSocket: true, conversationStartProperties: { locale: 'ur' } });
    try {
      const question = await c.waitFor(withActions(/./), 'language question');
      expect(question).toMatchObject({ locale: 'ur', channelData: { dir: 'rtl' } });
    } finally {
      c.end();
    }
  });
});
