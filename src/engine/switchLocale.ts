import { languageWords } from '../languages/words.ts';
import { reachLanguageSql } from '../store/funnelEvents.ts';
import { detectLanguage, type Detection } from '../languages/detect.ts';
import { flowPosition, waitingAsk } from './flowPosition.ts';
import { Renderer } from './render.ts';
import { dataOf, type TurnState } from './turnState.ts';
import { languageOf } from '../languages.ts';

/**
 * The conversation speaks `lng` from this reply on (stored with the turn); its later funnel
 * events count in that language (the reach row follows, in the turn's commit).
 */
export function switchLocale(t: TurnState, lng: string): void {
  const was = t.locale;
  t.locale = lng;
  t.r = new Renderer(t.flows.translator, lng, t.live);
  if (lng !== t.conv.locale) t.changes.locale = lng;
  else delete t.changes.locale;
  if (lng !== was) t.extraSql.push(reachLanguageSql(t.conv.id, lng));
}

/**
 * The page's or widget's language (`data-language`, `<html lang>`) as the channel gave it with
 * this message, when it is a choice: one of our languages other than the default. A page in the
 * default language (English) says little (most pages and browsers say it), so detection may move
 * away from it; a page in Urdu or Polish wins over detection.
 */
export function pageLanguage(t: TurnState): string | undefined {
  // Through the registry, so `pa-PK` / `pa-Arab` count as Urdu (Shahmukhi readers get Urdu wording).
  const given = languageOf(t.turn.locale)?.code ?? t.turn.locale?.split('-')[0]?.toLowerCase();
  if (!given || given === t.deps.defaultLocale.split('-')[0] || !t.flows.translator.languages.includes(given)) return undefined;
  return given;
}

/**
 * Whether this message is the resident's first word: the conversation starts with it, or its
 * flow still waits on the language question with nothing answered (a web conversation starts
 * with a greeting turn before the resident types).
 */
export async function isFirstMessage(t: TurnState): Promise<boolean> {
  if (!t.turn.text) return false;
  if (t.conv.created) return true;
  if (t.conv.status === 'ended') return false;
  const { flow, snapshot } = await flowPosition(t);
  const ask = snapshot ? waitingAsk(snapshot, flow) : undefined;
  return ask?.sets === 'locale' && Object.keys(dataOf(snapshot)).length === 0;
}

/** The live language the message is clearly in, when that is not the conversation's (logged at debug, no text). */
export function detectedLanguage(t: TurnState, candidates: readonly string[] = t.live): Detection | undefined {
  const text = t.turn.text;
  if (!text) return undefined;
  const d = detectLanguage(text, candidates, languageWords(t.flows.translator).detection);
  if (!d || d.code === t.locale) return undefined;
  t.deps.logger.debug({ conversationId: t.conv.id, detected: d.code, by: d.by, from: t.locale }, 'language detected');
  return d;
}
