import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandoffs } from '../../../src/channels/slack/createHandoffs.ts';
import { slackSettings } from '../../../src/channels/slack/slackSettings.ts';
import { handoffSettings } from '../../../src/domain/handoffs/handoffSettings.ts';
import { findOpenHandoff } from '../../../src/store/handoffs.ts';
import { createTestDb, type TestDb } from '../../helpers/testDb.ts';
import { events, inTurn, ownerOf, seedConversation, silent } from '../../domain/handoffs/handoffFixtures.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.close());

const base = () => ({
  db: t.db,
  logger: silent,
  localesDir: path.resolve('locales'),
  flowsDir: path.resolve('flows'),
  defaultLocale: 'en',
  officeHours: handoffSettings.HANDOFF_OFFICE_HOURS.schema.parse(undefined),
  escalationMinutes: handoffSettings.HANDOFF_ESCALATION_MINUTES.schema.parse(undefined),
});

describe('createHandoffs', () => {
  it('starts without Slack: status says off, handoffs queue in the database, safeguarding works', async () => {
    const desk = createHandoffs({ ...base(), slack: { notePrefix: 'note:' } });
    await desk.start();
    expect(desk.status()).toEqual({ slack: 'off', reason: 'SLACK_BOT_TOKEN not set' });
    expect(desk.router).toBeUndefined();
    await seedConversation(t.db, 'off1');
    const { replies } = await inTurn(t.db, (tx) =>
      desk.service.request({ conversationId: 'off1', reason: 'resident_asked', urgency: 'normal', locale: 'en', summary: { Programme: 'I Can' } }, tx),
    );
    expect(replies[0]).toMatchObject({ type: 'handoffStatus', status: 'queued', text: expect.stringContaining('contact you') });
    const h = (await findOpenHandoff(t.db, 'off1'))!;
    expect(h.status).toBe('queued');
    expect(await ownerOf(t.db, 'off1')).toBe('person');
    // "stop" during the handoff: closed, back to the bot, and nothing is queued for an adviser channel.
    await inTurn(t.db, (tx) => desk.service.residentLeft({ conversationId: 'off1', reason: 'stopped', locale: 'en' }, tx));
    expect(await findOpenHandoff(t.db, 'off1')).toBeUndefined();
    expect(await ownerOf(t.db, 'off1')).toBe('bot');
    expect(await events(t.db, h.id)).toEqual([]);
    // The eraser given to "delete my data" and retention empties the summary, still queuing nothing.
    await inTurn(t.db, (tx) => desk.eraser(tx, 'off1'));
    expect((await t.db.query(`SELECT summary FROM handoffs WHERE id = $1`, [h.id])).rows).toEqual([{ summary: [] }]);
    expect(await events(t.db, h.id)).toEqual([]);
    expect(desk.safeguarding.check('I could kill for a coffee', 'en', {})).toEqual({ matched: false });
    expect(desk.safeguarding.check('I want to kill myself', 'en', {}).matched).toBe(true);
    await desk.stop();
  });

  it('with a token, channel and signing secret: HTTP mode with a router to mount', () => {
    const desk = createHandoffs({
      ...base(),
      slack: { botToken: 'xoxb-1', signingSecret: 'sssssssss', handoffChannel: 'C1', apiUrl: 'http://slack.test/api', notePrefix: 'note:' },
    });
    expect(desk.status()).toEqual({ slack: 'http' });
    expect(typeof desk.router).toBe('function');
  });

  it('with an app token: Socket Mode, nothing to mount', () => {
    const desk = createHandoffs({ ...base(), slack: { botToken: 'xoxb-1', appToken: 'xapp-1', handoffChannel: 'C1', notePrefix: 'note:' } });
    expect(desk.status()).toEqual({ slack: 'socket' });
    expect(desk.router).toBeUndefined();
  });

  it('explains a half-configured Slack', () => {
    const desk = createHandoffs({ ...base(), slack: { botToken: 'xoxb-1', signingSecret: 'sssssssss', notePrefix: 'note:' } });
    expect(desk.status()).toEqual({ slack: 'off', reason: 'SLACK_HANDOFF_CHANNEL not set' });
  });

  it('settings: defaults parse and bad values are refused clearly', () => {
    expect(handoffSettings.HANDOFF_OFFICE_HOURS.schema.parse(undefined).default?.mon).toEqual([{ start: 540, end: 1020 }]);
    expect(slackSettings.SLACK_NOTE_PREFIX.schema.parse(undefined)).toBe('note:');
    expect(slackSettings.SLACK_DUTY_GROUP_ID.schema.safeParse('U123').success).toBe(false);
    expect(handoffSettings.HANDOFF_ESCALATION_MINUTES.schema.safeParse('0').success).toBe(false);
  });
});
