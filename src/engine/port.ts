import type { Reply } from './reply.ts';
import type { Turn } from './turn.ts';

export interface TurnOutcome {
  /** What the resident should see now, in order. */
  replies: Reply[];
  /** True when this activityId was already handled: the first replies, nothing run again. */
  duplicate: boolean;
  /** Message seq numbers written by this turn (inbound first), for channels that stream. */
  seqs: number[];
}

/** What channels see of the engine. The engine imports nothing from channels. */
export interface Engine {
  handleTurn(turn: Turn): Promise<TurnOutcome>;
  /** Replies produced outside a turn (adviser relay, reminders, status updates). */
  sendProactive(conversationId: string, replies: Reply[]): Promise<number[]>;
}

/** NOTIFY channel: payload is the conversation id whose messages changed. */
export const MESSAGES_CHANNEL = 'anchorline_messages';

export type HandoffReason = 'resident_asked' | 'flow_step' | 'failed_answers' | 'safeguarding';

/**
 * The adviser side, as the engine sees it (implemented in src/domain/handoffs).
 * `request` runs inside the turn's transaction (same connection), so the handoff row and
 * `conversations.owner = 'person'` commit with the turn; it returns the status lines the
 * resident sees. While `conversations.owner = 'person'` the engine does not run the flow:
 * it stores each inbound message and, after commit, calls `relayResidentMessage`.
 * Returning the resident to the bot = set owner back to 'bot' and send a proactive line;
 * the snapshot was never touched, so the flow resumes at the step it was waiting in.
 */
export interface HandoffService {
  request(
    input: {
      conversationId: string;
      reason: HandoffReason;
      urgency: 'normal' | 'urgent';
      locale: string;
      /** Summary facts for the adviser card (programme, eligibility, language...). Never logged. */
      summary: Record<string, unknown>;
    },
    db: import('../store/db.ts').Queryable,
  ): Promise<{ replies: Reply[] }>;
  relayResidentMessage(input: { conversationId: string; seq: number; text?: string; value?: unknown; locale: string }): Promise<void>;
}

/** Checks every inbound message before flow logic (implemented in src/domain/safeguarding). */
export interface SafeguardingCheck {
  check(text: string, locale: string, profile: { ageBand?: string }): { matched: false } | { matched: true; replies: Reply[] };
}
