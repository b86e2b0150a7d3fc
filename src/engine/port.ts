import type { Queryable } from '../store/db.ts';
import type { Reply } from './reply.ts';
import type { Turn } from './turn.ts';

export interface TurnOutcome {
  /** What the resident should see now, in order. */
  replies: Reply[];
  /** True when this activityId was already handled: the first replies, nothing run again. */
  duplicate: boolean;
  /**
   * The transcript rows this turn wrote, as stored (the resident's message first when kept, then
   * the replies; seqs contiguous): a channel that streams can send them without reading them back.
   * Empty for a repeated activity id.
   */
  written: WrittenMessage[];
}

/** One transcript row a turn wrote (`messages`). */
export interface WrittenMessage {
  seq: number;
  direction: 'in' | 'out';
  activityId: string | null;
  body: unknown;
}

/** What channels see of the engine. The engine imports nothing from channels. */
export interface Engine {
  handleTurn(turn: Turn): Promise<TurnOutcome>;
  /** Replies produced outside a turn (adviser relay, reminders, status updates). */
  sendProactive(conversationId: string, replies: Reply[]): Promise<number[]>;
}

/**
 * NOTIFY channel: the payload is `<conversationId> <lastSeq>` (the conversation whose messages
 * changed and its newest seq after the commit), so a stream that already has that seq reads
 * nothing. A bare `<conversationId>` (a process of the previous release during a rolling
 * restart, or a test) is still understood: every stream of it reads what it has not seen.
 */
export const MESSAGES_CHANNEL = 'anchorline_messages';

/** A MESSAGES_CHANNEL payload read back; `lastSeq` is undefined for the bare (older) form. */
export interface MessagesNotice {
  conversationId: string;
  lastSeq?: number;
}

/** Reads a MESSAGES_CHANNEL payload in either form (see MESSAGES_CHANNEL). */
export function parseMessagesNotice(payload: string): MessagesNotice {
  const space = payload.lastIndexOf(' ');
  if (space > 0) {
    const tail = payload.slice(space + 1);
    if (/^\d{1,15}$/.test(tail)) return { conversationId: payload.slice(0, space), lastSeq: Number(tail) };
  }
  return { conversationId: payload };
}

export type HandoffReason = 'resident_asked' | 'flow_step' | 'failed_answers' | 'safeguarding' | 'flow_changed';

/** Why a resident left a handoff before an adviser ended it. */
export type HandoffLeaveReason = 'erased' | 'stopped' | 'restarted';

export interface HandoffRequest {
  conversationId: string;
  reason: HandoffReason;
  urgency: 'normal' | 'urgent';
  locale: string;
  /**
   * What the adviser card shows, label → value, in the order the flow declares it
   * (`summary:` in the flow file); the engine names no answers itself. Never logged.
   */
  summary: Record<string, unknown>;
  /** The resident's age as the flow declares it (`profile.age`): decides youth helplines. */
  age?: string;
  /** Partner whose office hours apply (`profile.partner` in the flow); `default` when absent. */
  partner?: string;
}

/**
 * The adviser side, as the engine sees it (implemented in src/domain/handoffs; channel-neutral:
 * it writes handoff events, and a channel such as Slack consumes them from an outbox).
 * Every method runs inside the turn's transaction (`tx`), so the handoff rows, its events and
 * `conversations.owner` commit or roll back with the turn; each returns the lines the resident sees.
 * While `conversations.owner = 'person'` the engine does not run the flow: it stores each inbound
 * message and calls `relayResidentMessage` in the same transaction. Returning the resident to the
 * bot = set owner back to 'bot' and send a proactive line; the snapshot was never touched, so the
 * flow resumes at the step it was waiting in.
 */
export interface HandoffService {
  /** Opens a handoff, or (already open) upgrades its urgency. Sets `conversations.owner = 'person'`. */
  request(input: HandoffRequest, tx: Queryable): Promise<{ replies: Reply[] }>;
  /** A resident message while a person owns the conversation (stored by the engine as `seq`). */
  relayResidentMessage(input: { conversationId: string; seq: number; text?: string; value?: unknown; locale: string }, tx: Queryable): Promise<{ replies: Reply[] }>;
  /**
   * The resident left an open handoff ("delete my data", "stop", "start again"): the handoff is
   * closed, the adviser's card says the resident left, and for `erased` the summary and relayed
   * text are removed. Sets `conversations.owner = 'bot'`. No-op when no handoff is open.
   */
  residentLeft(input: { conversationId: string; reason: HandoffLeaveReason; locale: string }, tx: Queryable): Promise<void>;
}

/** Checks every inbound message before flow logic (implemented in src/domain/safeguarding). */
export interface SafeguardingCheck {
  /** `matchedIn`: the languages whose lists the message matched (a phrase may be in several). */
  check(text: string, locale: string, profile: { ageBand?: string }): { matched: false } | { matched: true; replies: Reply[]; matchedIn: string[] };
}
