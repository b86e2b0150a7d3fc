/**
 * Direct Line tokens are checked once and then remembered (issue 16): a remembered token still
 * expires on time, and a token changed by one character is still refused.
 */
import { describe, expect, it } from 'vitest';
import { createTokenSigner } from '../../../src/channels/web/directline/tokenSigner.ts';

describe('Direct Line token signer', () => {
  it('a token accepted before is refused once it expires, and an altered copy of it never passes', () => {
    const signer = createTokenSigner('k'.repeat(32), 60);
    const issued = new Date('2026-01-01T10:00:00Z');
    const { token } = signer.sign({ conversationId: 'dl-one', userId: 'u1' }, issued);
    expect(signer.verify(token, new Date('2026-01-01T10:00:30Z'))).toMatchObject({ ok: true, claims: { cid: 'dl-one', uid: 'u1' } });
    expect(signer.verify(token, new Date('2026-01-01T10:00:59Z'))).toMatchObject({ ok: true });
    expect(signer.verify(token, new Date('2026-01-01T10:01:00Z'))).toEqual({ ok: false, code: 'token_expired' });
    // The claims' first character changed (its signature no longer matches).
    const altered = `${token[0] === 'e' ? 'f' : 'e'}${token.slice(1)}`;
    expect(signer.verify(altered, new Date('2026-01-01T10:00:30Z'))).toEqual({ ok: false, code: 'token_bad_signature' });
  });
});
