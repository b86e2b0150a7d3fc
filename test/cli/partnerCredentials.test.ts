import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerCredentialsCommand } from '../../src/cli/partnerCredentialsCommand.ts';
import { seedPartners } from '../../src/domain/vacancies/seedPartners.ts';
import { listPartnerAccess, verifyPartnerCredential } from '../../src/store/partnerCredentials.ts';
import { createTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/testDb.ts';
import { runCli, schemaDatabaseUrl } from '../helpers/cliProcess.ts';

const TOKEN = /alp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/;

describe('anchorline partners credentials', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await seedPartners(t.db);
  });
  afterAll(async () => t?.close());

  /** Runs the command as the CLI does, on the test database; what it printed and its exit code. */
  async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await partnerCredentialsCommand(['credentials', ...argv], { withDb: (fn) => fn(t.db), out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('create prints a working alp_ credential once; list shows id, partner, label and dates but never the secret', async () => {
    const made = await run('create', 'uhb', '--label', 'UHB recruitment team');
    expect(made.code).toBe(0);
    const token = TOKEN.exec(made.out)?.[0];
    expect(token).toBeDefined();
    expect(made.out).toMatch(/only time the secret is shown/);
    const verified = await verifyPartnerCredential(t.db, token!);
    expect(verified).toMatchObject({ type: 'ok', partnerId: 'uhb' });

    const id = token!.slice(4, 20);
    const list = await run('list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`^${id}\\s+uhb\\s+active\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+-\\s+UHB recruitment team$`, 'm'));
    expect(list.out).not.toContain(token!.slice(21));
    expect((await run('list', 'bchc')).out).not.toContain(id);
  });

  it('two credentials never share a secret or an id', async () => {
    const a = TOKEN.exec((await run('create', 'bchc')).out)![0];
    const b = TOKEN.exec((await run('create', 'bchc')).out)![0];
    expect(a.slice(4, 20)).not.toBe(b.slice(4, 20));
    expect(a.slice(21)).not.toBe(b.slice(21));
  });

  it('revoke refuses the credential from then on, says so on a second revoke, and is audited', async () => {
    const token = TOKEN.exec((await run('create', 'bchc', '--label', 'to revoke')).out)![0];
    const id = token.slice(4, 20);
    const r = await run('revoke', id);
    expect(r).toMatchObject({ code: 0, out: `revoked credential ${id} of partner bchc: it is refused from now on` });
    expect(await verifyPartnerCredential(t.db, token)).toMatchObject({ type: 'revoked' });
    expect((await run('revoke', id)).out).toMatch(/already revoked/);
    expect((await run('list', 'bchc')).out).toMatch(new RegExp(`^${id}\\s+bchc\\s+revoked \\d{4}-`, 'm'));
    expect((await listPartnerAccess(t.db, id)).map((e) => `${e.action} ${e.outcome}`)).toEqual(['credential.create done', 'credential.revoke done']);
    const audit = await run('audit', id);
    expect(audit.out.split('\n')).toEqual([expect.stringMatching(/ credential\.create {2}done$/), expect.stringMatching(/ credential\.revoke {2}done$/)]);
  });

  it('an unknown partner or credential is a clear error (exit 1)', async () => {
    expect(await run('create', 'nobody')).toMatchObject({ code: 1, err: expect.stringMatching(/^no partner "nobody"/) });
    expect(await run('revoke', '0123456789abcdef')).toMatchObject({ code: 1, err: expect.stringMatching(/^no credential 0123456789abcdef/) });
  });

  it.each([
    [['create'], /partnerId: /],
    [['create', 'Not A Partner'], /partnerId: a partner id is lower-case letters/],
    [['create', 'uhb', '--label', 'x'.repeat(201)], /label: a label is at most 200 characters/],
    [['create', 'uhb', '--label', 'bell\u0007'], /label: a label has no control characters/],
    [['create', 'uhb', '--lable', 'typo'], /Unknown option '--lable'/],
    [['list', '--label', 'x'], /--label goes with create only/],
    [['revoke', 'alp_0123'], /credentialId: a credential id is 16 characters/],
    [['revoke', '0123456789abcdef', 'extra'], /one argument expected/],
    [['rotate', 'x'], /unknown command: partners credentials rotate/],
  ])('refuses %j with its reason and the usage (exit 2)', async (argv, reason) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(reason);
    expect(r.err).toContain('anchorline partners credentials create <partner-id>');
  });
});

// The real command line (bin → src/cli/main.ts) on PostgreSQL: a second process needs a shared database.
const servers = TEST_DATABASE_URL ? ['pg'] : [];
for (const server of servers) {
  describe(`anchorline partners credentials, as a process (${server})`, () => {
    let t: TestDb;
    let databaseUrl: string;
    beforeAll(async () => {
      t = await createTestDb({ driver: 'pg' });
      await seedPartners(t.db);
      databaseUrl = await schemaDatabaseUrl(t);
    });
    afterAll(async () => t?.close());

    const cli = (...argv: string[]) => runCli(databaseUrl, argv);

    it('creates and revokes through the command line; usage errors exit 2', async () => {
      const made = await cli('partners', 'credentials', 'create', 'uhb', '--label', 'from the shell');
      expect(made.code).toBe(0);
      const token = TOKEN.exec(made.stdout)![0];
      expect(await verifyPartnerCredential(t.db, token)).toMatchObject({ type: 'ok', partnerId: 'uhb' });
      expect((await cli('partners', 'credentials', 'revoke', token.slice(4, 20))).code).toBe(0);
      expect(await verifyPartnerCredential(t.db, token)).toMatchObject({ type: 'revoked' });
      const bad = await cli('partners', 'credentials', 'create');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('usage:');
    }, 60_000);
  });
}
