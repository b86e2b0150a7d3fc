import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeSlackText } from '../../../src/channels/slack/escapeSlackText.ts';
import { slackToPlain } from '../../../src/channels/slack/slackToPlain.ts';
import { findOpenHandoff } from '../../../src/store/handoffs.ts';
import { findSlackCard } from '../../../src/store/slackCards.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { addInbound, inTurn, seedConversation } from '../../domain/handoffs/handoffFixtures.ts';
import { type Harness, slackStandIn, startHarness } from './slackHarness.ts';

/** [what a resident typed, exactly what Slack must receive]. Written out by hand, not computed. */
const CORPUS: [string, string][] = [
  ['<!channel>', '&lt;!channel&gt;'],
  ['<!here>', '&lt;!here&gt;'],
  ['<!everyone>', '&lt;!everyone&gt;'],
  ['<!subteam^S0123|@advisers>', '&lt;!subteam^S0123|@advisers&gt;'],
  ['<@U024BE7LH>', '&lt;@U024BE7LH&gt;'],
  ['<@W123|boss>', '&lt;@W123|boss&gt;'],
  ['<#C024BE7LR|general>', '&lt;#C024BE7LR|general&gt;'],
  ['<http://evil.example|https://www.nhs.uk>', '&lt;http://evil.example|https://www.nhs.uk&gt;'],
  ['<https://evil.example>', '&lt;https://evil.example&gt;'],
  ['<mailto:a@b.c|HR team>', '&lt;mailto:a@b.c|HR team&gt;'],
  ['<!date^1392734382^{date}|Feb 18>', '&lt;!date^1392734382^{date}|Feb 18&gt;'],
  ['&lt;!channel&gt;', '&amp;lt;!channel&amp;gt;'],
  ['&amp;lt;', '&amp;amp;lt;'],
  ['&#60;!here&#62;', '&amp;#60;!here&amp;#62;'],
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['<<!here>>', '&lt;&lt;!here&gt;&gt;'],
  ['a < b > c & d', 'a &lt; b &gt; c &amp; d'],
  ['*URGENT* from _HR_: ~ignore~ `code`', '*URGENT* from _HR_: ~ignore~ `code`'],
  ['```<!channel>```', '```&lt;!channel&gt;```'],
  ['> quoted <!here>', '&gt; quoted &lt;!here&gt;'],
  ['@here @channel @everyone', '@here @channel @everyone'],
  ['<@U1> <@U2> <@U3>', '&lt;@U1&gt; &lt;@U2&gt; &lt;@U3&gt;'],
  ['<!channel|channel>', '&lt;!channel|channel&gt;'],
  ['<javascript:alert(1)|click>', '&lt;javascript:alert(1)|click&gt;'],
  ['line1\n<!here>\nline3', 'line1\n&lt;!here&gt;\nline3'],
  ['\u202e<!ereh>', '\u202e&lt;!ereh&gt;'],
  ['＜!channel＞', '＜!channel＞'],
  ['<\u200b!channel>', '&lt;\u200b!channel&gt;'],
  ['میرا نام <!here> ہے & شکریہ', 'میرا نام &lt;!here&gt; ہے &amp; شکریہ'],
  ['<https://nhs.uk|Apply <!here>>', '&lt;https://nhs.uk|Apply &lt;!here&gt;&gt;'],
  ['%3C!channel%3E', '%3C!channel%3E'],
  [':rotating_light: <!here> :rotating_light:', ':rotating_light: &lt;!here&gt; :rotating_light:'],
];

describe('escaping resident text for Slack', () => {
  it('has at least 30 hostile strings', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CORPUS)('escapes %j', (input, expected) => {
    expect(escapeSlackText(input)).toBe(expected);
  });
});

describe('the corpus posted through the outbox to the card thread', () => {
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

  it('every hostile string reaches Slack exactly escaped, on one line, unfurling off, plain text', async () => {
    await seedConversation(t.db, 'esc', { inbound: ['hi'] });
    await t.db.transaction((tx) => h.service.request({ conversationId: 'esc', reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: {} }, tx));
    for (const [input] of CORPUS) {
      const seq = await addInbound(t.db, 'esc', input);
      await inTurn(t.db, (tx) => h.service.relayResidentMessage({ conversationId: 'esc', seq, text: input, locale: 'en' }, tx));
    }
    await h.slack.worker.drain();
    const ts = (await findSlackCard(t.db, (await findOpenHandoff(t.db, 'esc'))!.id))!.ts;
    const relays = api.of('chat.postMessage').filter((p) => p.thread_ts === ts);
    // In the thread, resident text is one line with no invisible characters (hostileCorpus.test.ts has the rest).
    const ONE_LINE: Record<string, string> = {
      'line1\n<!here>\nline3': 'line1 ↵ &lt;!here&gt; ↵ line3',
      '\u202e<!ereh>': '&lt;!ereh&gt;',
      '<\u200b!channel>': '&lt;!channel&gt;',
    };
    expect(relays.map((r) => r.text)).toEqual(CORPUS.map(([input, expected]) => `Resident: ${ONE_LINE[input] ?? expected}`));
    for (const r of relays) expect(r).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false', mrkdwn: 'false', parse: 'none', link_names: 'false' });
  });
});

describe('adviser Slack text → plain text for the resident', () => {
  it.each([
    ['See <https://www.nhs.uk/jobs|NHS Jobs>', 'See NHS Jobs (https://www.nhs.uk/jobs)'],
    ['<https://www.nhs.uk>', 'https://www.nhs.uk'],
    ['Ask <@U123> or <#C1|hr>', 'Ask @someone or hr'],
    ['5 &lt; 6 &amp;&amp; 7 &gt; 3', '5 < 6 && 7 > 3'],
    ['Call <tel:01211234567|0121 123 4567>', 'Call 0121 123 4567 (tel:01211234567)'],
    ['<!here> hi', ' hi'],
  ])('%j → %j', (input, expected) => {
    expect(slackToPlain(input)).toBe(expected);
  });
});
