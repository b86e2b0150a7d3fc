import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studioCommand, type StudioIo } from '../../../src/cli/studioCommand.ts';
import { loadConfig } from '../../../src/config.ts';
import { studioSigninLinkUsable } from '../../../src/store/studioSigninLinks.ts';
import { secretHash } from '../../../src/studio/auth/secretToken.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/testDb.ts';
import { runCli, schemaDatabaseUrl } from '../../helpers/cliProcess.ts';

const LINK = /http:\/\/studio\.test\/studio\/signin\?token=([A-Za-z0-9_-]{43})/;
const AT = new Date('2026-12-01T09:00:00Z');

/** An SMTP server in this process that keeps every message it receives. */
async function mailbox(): Promise<{ url: string; messages: Array<{ from: string; to: string[]; data: string }>; close(): Promise<void> }> {
  const messages: Array<{ from: string; to: string[]; data: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('anchorline studio (accounts from the command line)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t?.close());

  async function run(argv: string[], extra: Partial<StudioIo> = {}): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await studioCommand(argv, {
      withDb: (fn) => fn(t.db),
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      publicUrl: 'http://studio.test/',
      inviteHours: 72,
      now: () => AT,
      ...extra,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const usable = async (token: string) => studioSigninLinkUsable(t.db, secretHash(token), AT);

  it('invite prints a working one-time link valid STUDIO_INVITE_HOURS, for a lower-cased address', async () => {
    const r = await run(['invite', '  Ann@Example.ORG ', '--role', 'coordinator']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^invited ann@example\.org as coordinator$/m);
    expect(r.out).toContain('works once, until 2026-12-04T09:00:00Z');
    expect(r.out).toContain('nothing was emailed');
    const token = LINK.exec(r.out)![1]!;
    expect(await usable(token)).toBe(true);
    // Only a hash is stored.
    const stored = JSON.stringify((await t.db.query('SELECT * FROM studio_signin_links')).rows);
    expect(stored).not.toContain(token);
  });

  it('inviting again re-roles, and says so; list shows everyone with role and state', async () => {
    await run(['invite', 'bo@example.org', '--role', 'viewer']);
    const again = await run(['invite', 'BO@example.org', '--role', 'translator']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^bo@example\.org was a viewer, is now a translator/m);
    expect((await run(['invite', 'bo@example.org', '--role', 'translator'])).out).toMatch(/already a translator: here is a new sign-in link/);
    const list = await run(['list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^email\s+role\s+state\s+invited\s+last sign-in$/m);
    expect(list.out).toMatch(/^bo@example\.org\s+translator\s+active\s+2026-12-01T09:00:00Z\s+-$/m);
    expect(list.out).toMatch(/^ann@example\.org\s+coordinator\s+active/m);
  });

  it('link gives existing staff a new link (the old one keeps working until used); unknown addresses are told', async () => {
    const first = LINK.exec((await run(['invite', 'cy@example.org', '--role', 'viewer'])).out)![1]!;
    const r = await run(['link', 'cy@example.org']);
    expect(r.code).toBe(0);
    const second = LINK.exec(r.out)![1]!;
    expect(second).not.toBe(first);
    expect(await usable(second)).toBe(true);
    expect(await run(['link', 'nobody@example.org'])).toMatchObject({ code: 1, err: expect.stringMatching(/^no studio account for nobody@example\.org/) });
  });

  it('remove disables the account: its links stop working; link refuses it; inviting again brings it back', async () => {
    const token = LINK.exec((await run(['invite', 'dee@example.org', '--role', 'coordinator'])).out)![1]!;
    const r = await run(['remove', 'Dee@example.org']);
    expect(r).toMatchObject({ code: 0, out: 'removed dee@example.org: 0 session(s) ended; unused sign-in links no longer work' });
    expect(await usable(token)).toBe(false);
    expect((await run(['remove', 'dee@example.org'])).out).toMatch(/already removed/);
    expect(await run(['remove', 'ghost@example.org'])).toMatchObject({ code: 1, err: 'no studio account for ghost@example.org' });
    expect(await run(['link', 'dee@example.org'])).toMatchObject({ code: 1, err: expect.stringMatching(/was removed/) });
    expect((await run(['list'])).out).toMatch(/^dee@example\.org\s+coordinator\s+removed 2026-12-01T09:00:00Z/m);
    const back = await run(['invite', 'dee@example.org', '--role', 'viewer']);
    expect(back.out).toMatch(/had been removed: invited again as viewer/);
    expect(await usable(LINK.exec(back.out)![1]!)).toBe(true);
  });

  it('audit prints who did what and when, newest last; --limit keeps the newest', async () => {
    await run(['invite', 'eve@example.org', '--role', 'viewer']);
    await run(['remove', 'eve@example.org']);
    const all = await run(['audit', '--limit', '10000']);
    expect(all.code).toBe(0);
    const lines = all.out.split('\n');
    expect(lines.at(-2)).toBe('2026-12-01T09:00:00Z  cli  staff.invite  eve@example.org  {"role":"viewer"}');
    expect(lines.at(-1)).toBe('2026-12-01T09:00:00Z  cli  staff.remove  eve@example.org  {"sessionsEnded":0}');
    expect(lines.some((l) => /staff\.invite {2}bo@example\.org {2}\{"role":"translator","previousRole":"viewer"\}$/.test(l))).toBe(true);
    expect(lines.some((l) => /staff\.link {2}cy@example\.org$/.test(l))).toBe(true);
    expect((await run(['audit', '--limit', '2'])).out.split('\n')).toEqual(lines.slice(-2));
    // No link or token in the trail.
    expect(all.out).not.toMatch(/token|signin\?/);
  });

  it.each([
    [['invite', 'not-an-email', '--role', 'viewer'], /email: not an email address/],
    [['invite', 'ann@example.org'], /invite needs --role coordinator\|translator\|viewer/],
    [['invite', 'ann@example.org', '--role', 'admin'], /--role: coordinator, translator or viewer/],
    [['invite', '--role', 'viewer'], /email: /],
    [['link', 'a@b'], /email: not an email address/],
    [['remove'], /email: /],
    [['list', '--role', 'viewer'], /--role goes with invite only/],
    [['audit', '--limit', '0'], /--limit: a whole number from 1 to 10000/],
    [['audit', '--limit', 'many'], /--limit: a whole number/],
    [['invite', 'a@example.org', 'b@example.org', '--role', 'viewer'], /unexpected b@example\.org/],
    [['invite', 'a@example.org', '--rol', 'viewer'], /Unknown option '--rol'/],
    [['grant', 'a@example.org'], /unknown command: studio grant/],
    [[], /unknown command: studio$/m],
  ])('refuses %j with its reason and the usage (exit 2)', async (argv, reason) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(reason);
    expect(r.err).toContain('anchorline studio invite <email> --role coordinator|translator|viewer');
    expect(r.out).toBe('');
  });

  it('with SMTP set, the invitation is emailed from STUDIO_MAIL_FROM to the address, with the same working link', async () => {
    const box = await mailbox();
    try {
      const r = await run(['invite', 'Fay@Example.org', '--role', 'translator'], { mail: { smtpUrl: box.url, from: 'studio@anchor.example' } });
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toContain('Emailed to fay@example.org.');
      expect(box.messages).toHaveLength(1);
      const m = box.messages[0]!;
      expect(m.from).toBe('studio@anchor.example');
      expect(m.to).toEqual(['fay@example.org']);
      expect(m.data).toMatch(/^Subject: Your invitation to the Anchorline studio/m);
      const printed = LINK.exec(r.out)![1]!;
      // The body is quoted-printable: soft line breaks and =3D for "=".
      const body = m.data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
      const mailed = LINK.exec(body)![1]!;
      expect(mailed).toBe(printed);
      expect(await usable(mailed)).toBe(true);
      const link = await run(['link', 'fay@example.org'], { mail: { smtpUrl: box.url, from: 'studio@anchor.example' } });
      expect(link.code).toBe(0);
      expect(box.messages[1]!.data).toMatch(/^Subject: Your Anchorline studio sign-in link/m);
    } finally {
      await box.close();
    }
  });

  it('when the mail cannot be sent, the printed link still works and the exit code says it was not sent', async () => {
    const box = await mailbox();
    await box.close();
    const r = await run(['invite', 'gus@example.org', '--role', 'viewer'], { mail: { smtpUrl: box.url, from: 'studio@anchor.example' } });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^the email to gus@example\.org was not sent \(ESOCKET\); the link above works/);
    expect(r.err).not.toContain(box.url);
    expect(await usable(LINK.exec(r.out)![1]!)).toBe(true);
  });

  it('production refuses STUDIO_SMTP_URL without STUDIO_MAIL_FROM', () => {
    const base = { NODE_ENV: 'production', MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', TOKEN_SIGNING_KEY: 'k9Qm9vdHN0cmFwL2tleS9mb3IvYW5jaG9yx7Z', PUBLIC_URL: 'https://chat.example.org' };
    expect(() => loadConfig({ ...base, STUDIO_SMTP_URL: 'smtps://u:p@smtp.example.org:465' })).toThrow(/STUDIO_MAIL_FROM: expected the sender address/);
    expect(loadConfig({ ...base, STUDIO_SMTP_URL: 'smtps://u:p@smtp.example.org:465', STUDIO_MAIL_FROM: 'studio@example.org' }).STUDIO_MAIL_FROM).toBe('studio@example.org');
  });
});

// The real command line (bin → src/cli/main.ts → studioCli) on PostgreSQL: a second process needs a shared database.
const servers = TEST_DATABASE_URL ? ['pg'] : [];
for (const server of servers) {
  describe(`anchorline studio, as a process (${server})`, () => {
    let t: TestDb;
    let databaseUrl: string;
    beforeAll(async () => {
      t = await createTestDb({ driver: 'pg' });
      databaseUrl = await schemaDatabaseUrl(t);
    });
    afterAll(async () => t?.close());

    const cli = (env: Record<string, string>, ...argv: string[]) => runCli(databaseUrl, ['studio', ...argv], { PUBLIC_URL: 'http://studio.test', STUDIO_INVITE_HOURS: '5', ...env });

    it('invites (emailing through STUDIO_SMTP_URL), lists, removes and prints the audit; usage errors exit 2', async () => {
      const box = await mailbox();
      try {
        const before = Date.now();
        const made = await cli({ STUDIO_SMTP_URL: box.url, STUDIO_MAIL_FROM: 'studio@anchor.example' }, 'invite', 'hal@example.org', '--role', 'coordinator');
        expect(made.code).toBe(0);
        const token = LINK.exec(made.stdout)![1]!;
        expect(await studioSigninLinkUsable(t.db, secretHash(token), new Date())).toBe(true);
        // STUDIO_INVITE_HOURS=5.
        expect(await studioSigninLinkUsable(t.db, secretHash(token), new Date(before + 5 * 3_600_000 + 60_000))).toBe(false);
        expect(box.messages.map((m) => m.to)).toEqual([['hal@example.org']]);
        expect((await cli({}, 'list')).stdout).toMatch(/^hal@example\.org\s+coordinator\s+active/m);
        expect((await cli({}, 'remove', 'hal@example.org')).code).toBe(0);
        expect((await cli({}, 'audit')).stdout).toMatch(/cli {2}staff\.invite {2}hal@example\.org[\s\S]*cli {2}staff\.remove {2}hal@example\.org/);
        const bad = await cli({}, 'invite', 'hal@example.org', '--role', 'owner');
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain('--role: coordinator, translator or viewer');
      } finally {
        await box.close();
      }
    }, 120_000);
  });
}
