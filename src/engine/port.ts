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
