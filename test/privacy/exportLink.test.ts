/**
 * The link "send me my data" makes: where it points (PUBLIC_URL), how long it lasts
 * (EXPORT_LINK_MINUTES), what is stored (a hash, never the secret) and the audit fact.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, publicUrl } from '../../src/config.ts';
import { allActions } from '../../src/domain/allActions.ts';
import type { ActionContext } from '../../src/engine/actions.ts';
import { privacyAuditOf } from '../../src/store/privacyAudit.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

describe('the data export link', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await t.db.query(`INSERT INTO conversations (id, channel, user_id) VALUES ('link-1', 'test', 'u1')`);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function makeLink(env: Record<string, string>, now: Date, locale = 'en') {
    const action = (await allActions(loadConfig(env))).find((a) => a.name === 'requestDataExport')!;
    const ctx: ActionContext = { conversationId: 'link-1', activityId: 'x', channel: 'test', userId: 'u1', locale, tx: t.db, now, signal: new AbortController().signal };
    return action.result.parse(await action.run(action.params.parse({}), ctx)) as { url: string; minutes: number; until: string };
  }

  it('points at PUBLIC_URL (a path prefix kept), lasts EXPORT_LINK_MINUTES, and says until when in UK time', async () => {
    const now = new Date('2027-07-05T09:30:00Z');
    const link = await makeLink({ PUBLIC_URL: 'https://chat.example.org/anchorline', EXPORT_LINK_MINUTES: '45' }, now);
    expect(link.url).toMatch(/^https:\/\/chat\.example\.org\/anchorline\/privacy\/export\/[A-Za-z0-9_-]{43}$/);
    expect(link.minutes).toBe(45);
    // 10:15 UTC is 11:15 in Birmingham in summer.
    expect(link.until).toBe('Monday 5 July 2027, 11:15am');
    const token = link.url.split('/').pop()!;
    const { rows } = await t.db.query<{ token_hash: string; expires_at: Date }>(`SELECT token_hash, expires_at FROM data_export_links WHERE conversation_id = 'link-1'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(new Date(rows[0]!.expires_at).getTime() - now.getTime()).toBe(45 * 60_000);
    const audit = await privacyAuditOf(t.db, 'link-1');
    expect(audit.map((e) => [e.action, e.actor, e.at.toISOString()])).toEqual([['export_link_created', 'resident', now.toISOString()]]);
  });

  it('defaults to this machine\'s port and an hour; each request gets a new secret; Urdu says the time in Urdu', async () => {
    const now = new Date('2027-01-25T09:30:00Z');
    const a = await makeLink({ PORT: '8080' }, now);
    const b = await makeLink({ PORT: '8080' }, now, 'ur');
    expect(a.url.startsWith('http://localhost:8080/privacy/export/')).toBe(true);
    expect(a.minutes).toBe(60);
    expect(a.until).toBe('Monday 25 January 2027, 10:30am');
    expect(b.url).not.toBe(a.url);
    expect(b.until).not.toMatch(/am|pm/);
    expect(publicUrl(loadConfig({}))).toBe('http://localhost:3978');
  });

  it('a wrong PUBLIC_URL or lifetime stops start-up with a clear line', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return err instanceof ConfigError ? err.problems : [String(err)];
      }
    };
    expect(problems({ PUBLIC_URL: 'chat.example.org', EXPORT_LINK_MINUTES: '0' })).toEqual([
      'PUBLIC_URL: expected a URL such as https://chat.example.org, found "chat.example.org"',
      'EXPORT_LINK_MINUTES: expected a whole number from 1 to 10080, found "0"',
    ]);
    expect(problems({ PUBLIC_URL: 'https://chat.example.org', EXPORT_LINK_MINUTES: '15' })).toEqual([]);
  });
});
