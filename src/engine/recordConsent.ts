import { getPath } from '../flows/conditions.ts';
import type { AskStep } from '../flows/schema.ts';
import { recordConsent, recordConsentSql, type ConsentPurpose } from '../store/consentEvents.ts';
import { flowPosition } from './flowPosition.ts';
import type { TurnState } from './turnState.ts';

/** The scopes a consent question names: one id, or a list of them, at its `scope` path. */
function scopesAt(data: Record<string, unknown>, path: string): string[] {
  const v = getPath(data, path);
  const list = Array.isArray(v) ? v : [v];
  return [...new Set(list.filter((x): x is string => typeof x === 'string' && x.length > 0))];
}

/**
 * A consent question was answered: one event per scope, in the turn's transaction, with the
 * question's key and the flow version that worded it (the record shows what the resident saw).
 */
export async function recordConsentAnswer(t: TurnState, ask: AskStep, granted: boolean, data: Record<string, unknown>): Promise<void> {
  const purpose: ConsentPurpose = ask.consent?.purpose ?? 'keep_answers';
  const scopes = ask.consent ? scopesAt(data, ask.consent.scope) : [''];
  const { flow } = await flowPosition(t);
  const events = scopes.map((scope) => ({
      conversationId: t.conv.id,
      purpose,
      scope,
      granted,
      wordingKey: ask.question,
      wordingVersion: `${flow.id}@${flow.version}`,
      locale: t.locale,
      at: t.turn.receivedAt,
  }));
  // Consent to keep answers is read from the conversation's own row, never from these events,
  // within the turn: its record rides in the turn's commit. A sharing or contact consent may be
  // read by an action later in the same turn (grantedScopes), so it is written at once.
  if (purpose === 'keep_answers') t.extraSql.push(recordConsentSql(events));
  else await recordConsent(t.tx, events);
}
