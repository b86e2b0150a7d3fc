import { languageOf } from '../languages.ts';
import { liveLanguages } from '../languages/live.ts';
import { loadForTurn, writeTurn } from '../store/conversations.ts';
import type { Tx } from '../store/db.ts';
import { forgetReachSql, startedSql } from '../store/funnelEvents.ts';
import { commandOf } from './commandOf.ts';
import { runSteps } from './pipeline.ts';
import { MESSAGES_CHANNEL, type TurnOutcome, type WrittenMessage } from './port.ts';
import { reask } from './reask.ts';
import { Renderer } from './render.ts';
import type { Reply } from './reply.ts';
import { afterTheEnd } from './steps/afterTheEnd.ts';
import { answerParsing } from './steps/answerParsing.ts';
import { consent } from './steps/consent.ts';
import { flowChanged } from './steps/flowChanged.ts';
import { globalCommands } from './steps/globalCommands.ts';
import { handoffRouting } from './steps/handoffRouting.ts';
import { inactivity } from './steps/inactivity.ts';
import { firstMessageLanguage, language, languageNaming } from './steps/language.ts';
import { machine } from './steps/machine.ts';
import { privacyCommands } from './steps/privacyCommands.ts';
import { refuseFiles } from './steps/refuseFiles.ts';
import { safeguarding } from './steps/safeguarding.ts';
import type { Turn } from './turn.ts';
import type { EngineDeps, TurnState } from './turnState.ts';

/** The steps of every turn, in order. Privacy and safety come before a handoff can swallow the message. */
export const turnSteps = [
  refuseFiles,
  privacyCommands,
  safeguarding,
  handoffRouting,
  globalCommands,
  language,
  languageNaming,
  firstMessageLanguage,
  inactivity,
  afterTheEnd,
  flowChanged,
  answerParsing,
  machine,
  consent,
] as const;

/** Turn-level outcome: `recovered` = rolled back, the resident told it did not go through. */
export type RunOutcome = TurnOutcome & { outcome: 'ok' | 'duplicate' | 'recovered' };

/** Round trip 1: the conversation (created if new, row locked) and whether this activity was already answered. */
async function beginTurn(tx: Tx, turn: Turn, deps: EngineDeps): Promise<TurnState | Reply[]> {
  const loaded = await loadForTurn(tx, {
    conversationId: turn.conversationId,
    channel: turn.channel,
    userId: turn.user.id,
    locale: turn.locale ?? deps.defaultLocale,
    activityId: turn.activityId,
  });
  if (loaded.duplicateReplies) return loaded.duplicateReplies as Reply[];
  const conv = loaded.conversation;
  // A release published by any process since this one last looked goes live from this turn on.
  await deps.catalog.atRelease?.(loaded.liveRelease, tx);
  const flows = deps.catalog.current;
  const live = liveLanguages(deps.languagesLive, flows.files, flows.translator.languages);
  // A new conversation takes the channel's language (the page's or widget's) when it is live.
  const given = languageOf(turn.locale)?.code;
  const locale = conv.created && given && live.includes(given) ? given : conv.locale;
  return {
    turn,
    tx,
    conv,
    flows,
    deps,
    locale,
    live,
    r: new Renderer(flows.translator, locale, live),
    replies: [],
    changes: locale !== conv.locale ? { locale } : {},
    keepInbound: true,
    eraseMessages: false,
    commandMatched: false,
    extraSql: [],
  };
}

/** Round trip 2: the conversation's changes, the transcript, the dedupe record, NOTIFY, and COMMIT. */
async function finishTurn(t: TurnState): Promise<TurnOutcome> {
  // Numbers keep rising even after an erase: an open stream's watermark must not skip what follows.
  let seq = t.conv.last_seq;
  const messages: WrittenMessage[] = [];
  if (t.keepInbound) {
    const { turn } = t;
    messages.push({
      seq: ++seq,
      direction: 'in',
      activityId: turn.activityId,
      body: { text: turn.text, value: turn.value, userId: turn.user.id, clientActivityId: turn.clientActivityId },
    });
  }
  for (const reply of t.replies) messages.push({ seq: ++seq, direction: 'out', activityId: null, body: reply });
  // A new conversation counts as started (anonymously: no subject before consent), with its
  // referral route and the language the turn ends in; first, so the reach row exists for the rest.
  // A turn that erased what it held (delete my data, consent refused) keeps no reach row either.
  const extraSql = [
    ...(t.conv.created ? [startedSql(t.conv.id, t.turn.referral ?? null, t.locale, t.turn.receivedAt, { keepReach: !t.eraseMessages })] : []),
    ...t.extraSql,
    ...(t.eraseMessages ? [forgetReachSql(t.conv.id)] : []),
  ];
  await writeTurn(t.tx, {
    conversationId: t.conv.id,
    activityId: t.turn.activityId,
    set: t.changes,
    lastSeq: seq,
    at: t.turn.receivedAt,
    replies: t.replies,
    messages,
    eraseMessages: t.eraseMessages,
    notifyChannel: MESSAGES_CHANNEL,
    extraSql,
  });
  return { replies: t.replies, duplicate: false, written: messages };
}

/** One turn in its transaction: load, the steps, write. A repeated activity id runs nothing. */
export async function runTurn(tx: Tx, turn: Turn, deps: EngineDeps): Promise<RunOutcome> {
  const t = await beginTurn(tx, turn, deps);
  if (Array.isArray(t)) return { replies: t, duplicate: true, written: [], outcome: 'duplicate' };
  await runSteps(turnSteps, t);
  return { ...(await finishTurn(t)), outcome: 'ok' };
}

/**
 * After a rolled-back turn, in a fresh transaction: if the turn committed after all (the
 * connection broke during COMMIT), its stored replies are the answer; otherwise the message is
 * kept with an honest apology and the question again, and nothing else changes.
 */
export async function recoverTurn(tx: Tx, turn: Turn, deps: EngineDeps): Promise<RunOutcome> {
  const t = await beginTurn(tx, turn, deps);
  if (Array.isArray(t)) return { replies: t, duplicate: false, written: [], outcome: 'ok' };
  t.replies.push(t.r.text('engine.actionFailed'));
  await reask(t).catch(() => undefined);
  // "Delete my data" that failed keeps nothing it was asked to delete, not even the request.
  t.keepInbound = commandOf(t)?.do !== 'deleteData';
  return { ...(await finishTurn(t)), outcome: 'recovered' };
}
