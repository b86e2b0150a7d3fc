import { z } from 'zod';
import { defineAction, type DomainAction } from '../../engine/actions.ts';
import { withdrawPartnerLines } from '../../store/applications.ts';
import { grantedScopes, recordConsent } from '../../store/consentEvents.ts';
import type { Queryable } from '../../store/db.ts';
import { findVacancies, partnerNames } from '../../store/partners/vacancyQueries.ts';
import { recordPrivacyAction } from '../../store/privacyAudit.ts';
import { oneOrMany } from '../journey/flowParams.ts';
import { localName } from '../shared/localName.ts';
import { noticeWriter, type NoticeWriter, type Notices } from '../shared/notices.ts';

/** "A, B and C" in the resident's language. */
export function nameList(names: string[], locale: string): string {
  try {
    return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}

const norm = (s: string) =>
  s
    .normalize('NFKC')
    .toLocaleLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const FILLERS = new Set(['the', 'a', 'an', 'with', 'to', 'please', 'my', 'application', 'data', 'any', 'more', 'anymore']);
const content = (s: string) => norm(s).split(' ').filter((w) => w && !FILLERS.has(w)).join(' ');
const ALL = new Set(['all', 'everyone', 'everybody', 'anyone', 'all of them', 'every partner', 'all partners']);

/**
 * The partners a resident's words name, among those they share with: by id, official name or
 * the name residents are told (so "the NHS" names every NHS partner), whole words either way.
 */
export function partnersNamed(rest: string, partners: Array<{ id: string; names: string[] }>, allWords: readonly string[] = []): string[] | 'all' | undefined {
  const said = content(rest);
  if (!said) return undefined;
  // "all" in English or in the resident's language ("wszystkie", "سب", "dhammaan").
  if (ALL.has(said) || allWords.some((w) => content(w) === said)) return 'all';
  const padded = ` ${said} `;
  const hits = partners.filter((p) =>
    [p.id, ...p.names].some((n) => {
      const name = content(n);
      return name.length >= 2 && (padded.includes(` ${name} `) || (said.length >= 3 && ` ${name} `.includes(padded)));
    }),
  );
  return hits.length ? hits.map((p) => p.id) : undefined;
}

export const sharingPlanSchema = z.object({
  /** Partner ids the application would go to: the scope of the share question's consent. */
  partnerIds: z.array(z.string()),
  /** Their official names, as one list in the resident's language ("A and B"). */
  names: z.string(),
  count: z.number(),
});

export const stopSharingResultSchema = z.discriminatedUnion('type', [
  /** Sharing stopped with these partners (names as one list). */
  z.object({ type: z.literal('stopped'), names: z.string(), withdrawn: z.number() }),
  /** Which partner? The ones shared with. */
  z.object({ type: z.literal('which'), names: z.string() }),
  /** Nothing is shared with anyone. */
  z.object({ type: z.literal('none'), names: z.literal('') }),
]);
export type StopSharingResult = z.infer<typeof stopSharingResultSchema>;

/**
 * "Stop sharing with …" (UK GDPR: consent is as easy to withdraw as to give). Records the
 * withdrawal for each partner named, withdraws the application's lines for their vacancies (so
 * their exports no longer show it) and audits it. In the turn's transaction.
 */
export async function stopSharing(
  tx: Queryable,
  input: { conversationId: string; rest: string; locale: string; now: Date; wordingVersion: string },
  w: Pick<NoticeWriter, 't' | 'list'>,
): Promise<StopSharingResult> {
  const shared = await grantedScopes(tx, input.conversationId, 'share_application');
  if (shared.length === 0) return { type: 'none', names: '' };
  const partners = await partnerNames(tx, shared);
  const named = partnersNamed(
    input.rest,
    partners.map((p) => ({ id: p.id, names: [p.name, localName(w, 'partner', p.name)] })),
    w.list?.('answers.allWords') ?? [],
  );
  const target = named === 'all' ? shared : (named ?? (shared.length === 1 && !content(input.rest) ? shared : undefined));
  if (!target) return { type: 'which', names: nameList(partners.map((p) => p.name), input.locale) };
  await recordConsent(
    tx,
    target.map((scope) => ({
      conversationId: input.conversationId,
      purpose: 'share_application' as const,
      scope,
      granted: false,
      wordingKey: 'commands.stopSharing.phrases',
      wordingVersion: input.wordingVersion,
      locale: input.locale,
      at: input.now,
    })),
  );
  const withdrawn = await withdrawPartnerLines(tx, input.conversationId, target);
  await recordPrivacyAction(tx, { conversationId: input.conversationId, action: 'consent_withdrawn', actor: 'resident', at: input.now });
  return { type: 'stopped', names: nameList(partners.filter((p) => target.includes(p.id)).map((p) => p.name), input.locale), withdrawn: withdrawn.length };
}

/** The flow's actions for sharing an application: who it would go to, and stopping it. */
export function sharingActions(deps: { notices: Notices }): DomainAction[] {
  const actions = [
    defineAction({
      name: 'sharingPlan',
      description: 'The partners an application to these vacancies would be sent to, named for the consent question.',
      params: z.object({ vacancyIds: oneOrMany(z.string().min(1)).pipe(z.array(z.string()).min(1)) }),
      result: sharingPlanSchema,
      run: async (p, ctx) => {
        const ids = [...new Set((await findVacancies(ctx.tx, p.vacancyIds)).map((v) => v.partnerId))];
        const partners = await partnerNames(ctx.tx, ids);
        return { partnerIds: partners.map((x) => x.id), names: nameList(partners.map((x) => x.name), ctx.locale), count: partners.length };
      },
    }),
    defineAction({
      name: 'stopSharing',
      description: '"Stop sharing with …": withdraws consent to share the application with the partners named, and the application from them.',
      // The words after "stop sharing with" (a message may be 4,000 characters; a partner's name is not).
      params: z.object({ rest: z.string().default('').transform((r) => r.slice(0, 400)) }),
      result: stopSharingResultSchema,
      run: (p, ctx) =>
        stopSharing(ctx.tx, { conversationId: ctx.conversationId, rest: p.rest, locale: ctx.locale, now: ctx.now, wordingVersion: 'commands' }, noticeWriter(deps.notices, ctx.locale)),
    }),
  ];
  return actions as unknown as DomainAction[];
}
