import type { Queryable } from '../../src/store/db.ts';
import { recordConsent } from '../../src/store/consentEvents.ts';

/** The resident agreed (as the flow's share question records it) to share their application with these partners. */
export async function agreeToShare(db: Queryable, conversationId: string, partnerIds: string[], at = new Date('2027-01-01T09:00:00Z')): Promise<string[]> {
  await recordConsent(
    db,
    partnerIds.map((scope) => ({ conversationId, purpose: 'share_application' as const, scope, granted: true, wordingKey: 'journey.shareQuestion', wordingVersion: 'test', locale: 'en', at })),
  );
  return partnerIds;
}
