/**
 * anchorline referrals create|list|retire (issue 15): codes for community partners' routes, with
 * the link and poster address printed; bad input is told plainly with exit code 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referralsCommand } from '../../src/cli/referralsCommand.ts';
import { seedPartners } from '../../src/domain/vacancies/seedPartners.ts';
import { findReferralCode } from '../../src/store/referralCodes.ts';
import { createTestDb, type TestDb } from '../helpers/testDb.ts';

describe('anchorline referrals', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    // flows/partners.yaml: Pioneer Group is there, so the example works on a fresh start.
    await seedPartners(t.db);
  });
  afterAll(async () => t?.close());

  async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await referralsCommand(argv, { withDb: (fn) => fn(t.db), publicUrl: 'https://chat.example.org/', out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it("create pioneer-housing --label … prints the code, the link and the poster's address", async () => {
    const r = await run('create', 'pioneer-housing', '--label', 'Pioneer tenancy team');
    expect(r.code).toBe(0);
    const code = /^referral code ([A-Z0-9]{8}) for partner pioneer-housing \(Pioneer tenancy team\)$/m.exec(r.out)?.[1];
    expect(code).toBeDefined();
    expect(r.out).toContain(`  link:   https://chat.example.org/?ref=${code}`);
    expect(r.out).toContain(`data-referral="${code}"`);
    expect(r.out).toContain(`  poster: https://chat.example.org/admin/referrals/${code}/poster`);
    expect(await findReferralCode(t.db, code!)).toMatchObject({ partnerId: 'pioneer-housing', label: 'Pioneer tenancy team', retiredAt: null });
  });

  it('--code chooses the code (any case); a taken code is refused with exit 1', async () => {
    expect((await run('create', 'pioneer-housing', '--label', 'Job club', '--code', 'pioneer1')).out).toContain('referral code PIONEER1 for partner pioneer-housing');
    const again = await run('create', 'uhb', '--label', 'Other', '--code', 'PIONEER1');
    expect(again).toMatchObject({ code: 1, err: 'the code PIONEER1 is taken: choose another, or leave --code out for a random one' });
  });

  it('list shows codes (of one partner with --partner); retire stops a code, and says when there is nothing to retire', async () => {
    await run('create', 'uhb', '--label', 'UHB open day', '--code', 'UHBDAY26');
    const mine = await run('list', '--partner', 'pioneer-housing');
    expect(mine.out).toMatch(/^PIONEER1\s+pioneer-housing\s+in use\s+\d{4}-\d\d-\d\d\s+Job club$/m);
    expect(mine.out).not.toContain('UHBDAY26');
    expect((await run('list')).out).toContain('UHBDAY26');
    expect(await run('retire', 'uhbday26')).toMatchObject({ code: 0, out: 'retired UHBDAY26: new conversations no longer count it; past figures keep it' });
    expect((await run('list', '--partner', 'uhb')).out).toMatch(/^UHBDAY26\s+uhb\s+retired \d{4}-\d\d-\d\d/m);
    expect(await run('retire', 'UHBDAY26')).toMatchObject({ code: 1, err: 'no referral code UHBDAY26 in use (see anchorline referrals list)' });
  });

  it('bad input is told plainly, with the usage, and exit code 2; an unknown partner is exit 1', async () => {
    const noLabel = await run('create', 'pioneer-housing');
    expect(noLabel.code).toBe(2);
    expect(noLabel.err).toContain('label: a route needs --label');
    const badCode = await run('create', 'pioneer-housing', '--label', 'x', '--code', 'no-dashes!');
    expect(badCode.code).toBe(2);
    expect(badCode.err).toContain('code: a referral code is 4 to 20 letters and digits');
    expect((await run('create', 'Pioneer Housing', '--label', 'x')).err).toContain('partnerId: a partner id is lower-case letters, digits and dashes');
    expect((await run('frobnicate')).err).toContain('unknown command: referrals frobnicate');
    expect((await run('list', '--colour', 'red')).code).toBe(2);
    expect(await run('create', 'no-such-partner', '--label', 'x')).toMatchObject({ code: 1, err: expect.stringContaining('no partner "no-such-partner"') });
  });
});
