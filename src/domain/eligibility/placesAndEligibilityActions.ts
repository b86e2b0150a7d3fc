import { nameSlug } from '../../i18n.ts';
import type { Logger } from 'pino';
import { z } from 'zod';
import { defineAction, type DomainAction } from '../../engine/actions.ts';
import { recordEligibilityDecision } from '../outcomes/recordEligibility.ts';
import { lookupPostcode } from '../places/lookupPostcode.ts';
import { lookupPostcodeAction } from '../places/lookupPostcodeAction.ts';
import { placesReference, type PlacesReference } from '../places/placesReference.ts';
import { decisionSchema, type Decision } from './decide.ts';
import { decideAll } from './decideAll.ts';
import { eligibilityOutcome, outcomeSchema, type PlaceCheck } from './eligibilityOutcome.ts';
import { explainDecisions, type Translate } from './explainDecision.ts';
import type { Profile } from './profile.ts';
import { profileFromParams, profileParamsSchema } from './profileFromParams.ts';
import type { Programme } from './programmeSchema.ts';
import { profileFieldSchema, ruleResultSchema } from './ruleResult.ts';

export interface PlacesAndEligibilityDeps {
  postcodesIoUrl: string;
  programmes: Programme[];
  /** postcodes.io time limit (default 3000 ms, issue 5). */
  fetchTimeoutMs?: number;
  logger?: Logger;
  /** Reference tables; defaults to the shipped ones. */
  places?: PlacesReference;
  /** When given, results carry `explanation`: the answer in words, in the turn's language. */
  translate?: Translate;
}

const programmeRefSchema = z.object({ id: z.string(), name: z.string(), summary: z.string() });

export const eligibilityResultSchema = z.object({
  programme: programmeRefSchema.nullable(),
  eligible: z.boolean(),
  status: decisionSchema.shape.status,
  approximate: z.boolean(),
  /** i18n headline, e.g. eligibility.decision.notEligible {programme}. */
  headline: z.object({ key: z.string(), params: z.record(z.string(), z.string()) }),
  /** The rules that decided: failed ones, else the unanswered ones, else every passed one. */
  reasons: z.array(ruleResultSchema),
  passed: z.array(ruleResultSchema),
  failed: z.array(ruleResultSchema),
  missing: z.array(ruleResultSchema),
  needs: z.array(profileFieldSchema),
  /** Other programmes the person qualifies for now. */
  alternatives: z.array(programmeRefSchema),
  /** For flow conditions and `say` params: how many, their names ("I Can, …"), the next thing to ask. */
  alternativesCount: z.number().int(),
  alternativeNames: z.string(),
  firstNeed: profileFieldSchema.nullable(),
  /** What the flow does next (see eligibilityOutcome.ts), and the one answer to ask for when `ask`. */
  outcome: outcomeSchema,
  askFor: profileFieldSchema.nullable(),
  /** True when postcodes.io was down and the council came from the postcode district alone. */
  approximatePlace: z.boolean(),
  /** Every programme with the rule that decided it, in words, one per line (only when `translate` was given). */
  explanation: z.string().optional(),
  /** What a postcode passed in `postcode` came to, when one was looked up here. */
  postcode: z.enum(['found', 'invalid', 'notFound', 'unavailable']).optional(),
});
export type EligibilityResult = z.infer<typeof eligibilityResultSchema>;

const ref = (p: Programme) => ({ id: p.id, name: p.name, summary: p.summary });

/** The programme to report when the flow did not name one: eligible, else nearly, else the first. */
function pick(decisions: Decision[]): Decision | undefined {
  return decisions.find((d) => d.eligible) ?? decisions.find((d) => d.status === 'needMoreAnswers') ?? decisions[0];
}

export function placesAndEligibilityActions(deps: PlacesAndEligibilityDeps): DomainAction[] {
  const places = deps.places ?? placesReference();
  const fetchTimeoutMs = deps.fetchTimeoutMs ?? 3000;
  const byId = new Map(deps.programmes.map((p) => [p.id, p]));
  const ids = deps.programmes.map((p) => p.id);
  // An enum, so the flow checker rejects a misspelt programme id when the flow loads.
  const programmeParam = ids.length > 0 ? z.enum(ids as [string, ...string[]]) : z.never();

  const checkEligibility = defineAction({
    name: 'checkEligibility',
    description: 'Decides programme eligibility from the answers so far, with the reason for each rule and the other programmes that fit',
    params: profileParamsSchema.extend({ programme: programmeParam.optional() }),
    result: eligibilityResultSchema,
    async run(params, ctx): Promise<EligibilityResult> {
      let profile: Profile = profileFromParams(params);
      let postcode: EligibilityResult['postcode'];
      let placeCheck: PlaceCheck = 'none';
      if (params.postcode && !profile.council) {
        const place = await lookupPostcode(params.postcode, {
          db: ctx.tx,
          places,
          postcodesIoUrl: deps.postcodesIoUrl,
          timeoutMs: fetchTimeoutMs,
          now: ctx.now,
          signal: ctx.signal,
          logger: deps.logger,
        });
        postcode = place.type;
        placeCheck = place.type === 'found' ? (place.approximate ? 'approximate' : 'exact') : place.type;
        if (place.type === 'unavailable') profile = { ...profile, postcodeUnchecked: true };
        if (place.type === 'found') {
          profile = {
            ...profile,
            council: place.council,
            councilName: place.councilName,
            councilApproximate: place.approximate,
            ward: place.ward,
            wardName: place.wardName,
            imdDecile: place.imdDecile,
            imdCovered: place.imdCovered,
          };
        }
      }
      const all = decideAll(profile, deps.programmes, ctx.now);
      const chosen = params.programme ? all.decisions.find((d) => d.programme === params.programme) : pick(all.decisions);
      const programme = chosen ? byId.get(chosen.programme) : undefined;
      const alternatives = all.decisions
        .filter((d) => d.eligible && d.programme !== chosen?.programme)
        .map((d) => ref(byId.get(d.programme)!));
      const next = eligibilityOutcome(all.decisions, placeCheck);
      const explained = { decisions: all.decisions, outcome: next.outcome, place: placeCheck };
      type Core = Omit<EligibilityResult, 'alternativesCount' | 'alternativeNames' | 'firstNeed' | 'explanation' | 'outcome' | 'askFor' | 'approximatePlace'>;
      const extras = (r: Core): EligibilityResult => ({
        ...r,
        ...next,
        approximatePlace: placeCheck === 'approximate',
        alternativesCount: r.alternatives.length,
        alternativeNames: r.alternatives.map((a) => a.name).join(', '),
        firstNeed: r.needs[0] ?? null,
        ...(deps.translate && { explanation: explainDecisions(explained, withProgrammeNames(deps.translate), ctx.locale).join('\n') }),
      });
      if (!chosen || !programme) {
        return extras({
          programme: null,
          eligible: false,
          status: 'notEligible',
          approximate: false,
          headline: { key: 'eligibility.decision.nothingFits', params: {} },
          reasons: [],
          passed: [],
          failed: [],
          missing: [],
          needs: [],
          alternatives,
          ...(postcode && { postcode }),
        });
      }
      // A decision (not while answers are missing) counts in the figures, in the turn's transaction.
      if (chosen.status !== 'needMoreAnswers') await recordEligibilityDecision(ctx.tx, ctx.conversationId, profile, chosen, ctx.now);
      const reasons = chosen.status === 'notEligible' ? chosen.failed : chosen.status === 'needMoreAnswers' ? chosen.missing : chosen.passed;
      return extras({
        programme: ref(programme),
        eligible: chosen.eligible,
        status: chosen.status,
        approximate: chosen.approximate,
        headline: { key: `eligibility.decision.${chosen.status}`, params: { programme: programme.name } },
        reasons,
        passed: chosen.passed,
        failed: chosen.failed,
        missing: chosen.missing,
        needs: chosen.needs,
        alternatives,
        ...(postcode && { postcode }),
      });
    },
  });

  return [lookupPostcodeAction({ postcodesIoUrl: deps.postcodesIoUrl, places, fetchTimeoutMs, logger: deps.logger }), checkEligibility];
}

/** Programme names in the resident's language where the data gives one (`names.programme.*`), else English. */
function withProgrammeNames(t: Translate): Translate {
  return (key, params, locale) => {
    const english = params.programme;
    if (typeof english !== 'string') return t(key, params, locale);
    const local = t(`names.programme.${nameSlug(english)}`, { defaultValue: english }, locale);
    return t(key, { ...params, programme: local }, locale);
  };
}
