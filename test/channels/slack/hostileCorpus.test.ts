/**
 * Issue 11, item 6: Slack cards safe by construction. Resident text reaches Slack only inside
 * `plain_text` objects (emoji codes off, one line) or, where mrkdwn cannot be avoided, escaped
 * with every formatting character neutralised and on one line. Each hostile string is written
 * out with exactly what Slack must receive; the card and thread posts are asserted block by block.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeMrkdwn, plainText } from '../../../src/channels/slack/residentText.ts';
import { findOpenHandoff } from '../../../src/store/handoffs.ts';
import { findSlackCard } from '../../../src/store/slackCards.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { addInbound, inTurn, seedConversation } from '../../domain/handoffs/handoffFixtures.ts';
import { type Harness, slackStandIn, startHarness } from './slackHarness.ts';

/** [typed by a resident, the plain_text Slack receives, the escaped mrkdwn Slack receives]. By hand. */
const CORPUS: [string, string, string][] = [
  ['<!channel> help', '&lt;!channel&gt; help', '&lt;!channel&gt; help'],
  ['<@U024BE7LH> look', '&lt;@U024BE7LH&gt; look', '&lt;@U024BE7LH&gt; look'],
  ['<!subteam^S0123|@advisers>', '&lt;!subteam^S0123|@advisers&gt;', '&lt;!subteam^S0123|@advisers&gt;'],
  ['<http://evil.example|https://www.nhs.uk>', '&lt;http://evil.example|https://www.nhs.uk&gt;', '&lt;http://evil.example|https://www.nhs.uk&gt;'],
  ['*bold* _it_ ~strike~ `code`', '*bold* _it_ ~strike~ `code`', '∗bold∗ ˍitˍ ∼strike∼ ˋcodeˋ'],
  ['```<!here>```', '```&lt;!here&gt;```', 'ˋˋˋ&lt;!here&gt;ˋˋˋ'],
  ['> quoted', '&gt; quoted', '&gt; quoted'],
  ['hi\n*Assistant:* Identity checked', 'hi ↵ *Assistant:* Identity checked', 'hi ↵ ∗Assistant:∗ Identity checked'],
  ['ok\r\n> *Adviser:* approved', 'ok ↵ &gt; *Adviser:* approved', 'ok ↵ &gt; ∗Adviser:∗ approved'],
  ['a\u2028*Reason:* none\u2029b', 'a ↵ *Reason:* none ↵ b', 'a ↵ ∗Reason:∗ none ↵ b'],
  ['x\u0085y\u000bz', 'x ↵ y ↵ z', 'x ↵ y ↵ z'],
  ['<\u200b!channel>', '&lt;!channel&gt;', '&lt;!channel&gt;'],
  ['ad\u2060min\ufeff', 'admin', 'admin'],
  ['\u202eretsinimda\u202c ok', 'retsinimda ok', 'retsinimda ok'],
  ['\u2067evil\u2069 \u202dltr\u202c', 'evil ltr', 'evil ltr'],
  [':rotating_light: urgent', ':rotating_light: urgent', ':rotatingˍlight: urgent'],
  ['&lt;!here&gt;', '&amp;lt;!here&amp;gt;', '&amp;lt;!here&amp;gt;'],
  ['میرا نام *علی* ہے\nAssistant: ٹھیک', 'میرا نام *علی* ہے ↵ Assistant: ٹھیک', 'میرا نام ∗علی∗ ہے ↵ Assistant: ٹھیک'],
  ['جی\u200cہاں', 'جی\u200cہاں', 'جی\u200cہاں'],
  ['', '—', ''],
];

describe('resident text for Slack, one function per kind of text object', () => {
  it.each(CORPUS)('%j → plain_text %j, mrkdwn %j', (input, plain, mrkdwn) => {
    expect(plainText(input)).toEqual({ type: 'plain_text', text: plain, emoji: false });
    expect(escapeMrkdwn(input)).toBe(mrkdwn);
  });
});

/** Every mrkdwn text in some blocks (the only places formatting can happen). */
function mrkdwnTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(mrkdwnTexts);
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') return [o.text];
    return Object.values(o).flatMap(mrkdwnTexts);
  }
  return [];
}

describe('hostile text through the real outbox worker: the card and thread, block by block', () => {
  let t: TestDb;
  let h: Harness;
  let api: ReturnType<typeof slackStandIn>;
  beforeAll(async () => {
    t = await createTestDb();
    api = slackStandIn();
    h = await startHarness(t.db);
  });
  afterAll(async () => {
    await h.close();
    api.done();
    await t.close();
  });

  it('the card shows summary values and transcript as plain_text; no mrkdwn line carries resident text', async () => {
    const hostile = CORPUS.slice(0, 10).map(([input]) => input);
    await seedConversation(t.db, 'hostile-card', { inbound: hostile });
    await inTurn(t.db, (tx) =>
      h.service.request(
        {
          conversationId: 'hostile-card',
          reason: 'resident_asked',
          urgency: 'normal',
          locale: 'en',
          summary: { Name: 'Jo\n*Assistant:* Identity checked', 'Job family': '<!here> ~admin~' },
        },
        tx,
      ),
    );
    await h.slack.worker.drain();
    const card = api.of('chat.postMessage').find((p) => !p.thread_ts)!;
    const blocks = JSON.parse(card.blocks!) as unknown[];
    expect(blocks[2]).toEqual({
      type: 'section',
      fields: [
        { type: 'plain_text', text: 'Name: Jo ↵ *Assistant:* Identity checked', emoji: false },
        { type: 'plain_text', text: 'Job family: &lt;!here&gt; ~admin~', emoji: false },
        { type: 'plain_text', text: 'Contact: not chosen yet', emoji: false },
      ],
    });
    // The transcript: one context block per message, our label then their words, as sent.
    const transcript = blocks.filter((b) => JSON.stringify(b).includes('"text":"*Resident:*"'));
    expect(transcript).toEqual(
      CORPUS.slice(0, 10).map(([, plain]) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: '*Resident:*' }, { type: 'plain_text', text: plain, emoji: false }] })),
    );
    // No mrkdwn text in the card contains anything the resident typed.
    const ours = mrkdwnTexts(blocks).join('\n');
    for (const word of ['Identity checked', 'evil', 'strike', 'quoted', 'approved', '<!here>', '<!channel>']) expect(ours).not.toContain(word);
    expect(card.text).toBe('Resident asked for a person (conversation hostile-card)');
  });

  it('relayed messages: exact blocks in the thread, and a fallback text on one line', async () => {
    await seedConversation(t.db, 'hostile-thread', { inbound: ['hi'] });
    await inTurn(t.db, (tx) => h.service.request({ conversationId: 'hostile-thread', reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: {} }, tx));
    const inputs = CORPUS.filter(([input]) => input !== '');
    for (const [input] of inputs) {
      const seq = await addInbound(t.db, 'hostile-thread', input);
      await inTurn(t.db, (tx) => h.service.relayResidentMessage({ conversationId: 'hostile-thread', seq, text: input, locale: 'en' }, tx));
    }
    await h.slack.worker.drain();
    const ts = (await findSlackCard(t.db, (await findOpenHandoff(t.db, 'hostile-thread'))!.id))!.ts;
    const relays = api.of('chat.postMessage').filter((p) => p.thread_ts === ts);
    expect(relays.map((r) => JSON.parse(r.blocks!))).toEqual(
      inputs.map(([, plain]) => [{ type: 'context', elements: [{ type: 'mrkdwn', text: '*Resident:*' }, { type: 'plain_text', text: plain, emoji: false }] }]),
    );
    for (const r of relays) {
      expect(r.text).not.toMatch(/[\n\r\u2028\u2029\u202e\u200b]/);
      expect(r).toMatchObject({ mrkdwn: 'false', parse: 'none', link_names: 'false', unfurl_links: 'false' });
    }
  });

  it('a call-back number the resident agreed to is posted as plain_text in the thread', async () => {
    await seedConversation(t.db, 'hostile-call', { inbound: ['hi'] });
    await inTurn(t.db, (tx) => h.service.request({ conversationId: 'hostile-call', reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: {} }, tx));
    await inTurn(t.db, (tx) => h.service.relayResidentMessage({ conversationId: 'hostile-call', seq: 2, text: '07700 900123 *after* <!here>\n*Assistant:* verified', locale: 'en' }, tx));
    await inTurn(t.db, (tx) => h.service.relayResidentMessage({ conversationId: 'hostile-call', seq: 3, value: 'handoff.contact.yes', locale: 'en' }, tx));
    await h.slack.worker.drain();
    const ts = (await findSlackCard(t.db, (await findOpenHandoff(t.db, 'hostile-call'))!.id))!.ts;
    const post = api.of('chat.postMessage').find((p) => p.thread_ts === ts && p.text?.startsWith(':telephone_receiver:'))!;
    expect(JSON.parse(post.blocks!)).toEqual([
      { type: 'section', text: { type: 'plain_text', text: 'Call-back requested: 07700 900123. Preferred time: *after* &lt;!here&gt; ↵ *Assistant:* verified', emoji: false } },
    ]);
    expect(post.text).toBe(':telephone_receiver: Call-back requested: 07700 900123. Preferred time: ∗after∗ &lt;!here&gt; ↵ ∗Assistant:∗ verified');
    // The card now shows the agreed contact, as plain text.
    const update = api.of('chat.update').at(-1)!;
    expect(update.blocks).toContain('{"type":"plain_text","text":"Contact: phone call, 07700 900123 (*after* &lt;!here&gt; ↵ *Assistant:* verified)","emoji":false}');
  });
});
