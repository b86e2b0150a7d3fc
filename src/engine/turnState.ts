import type { Logger } from 'pino';
import type { LiveLanguagesSetting } from '../languages/live.ts';
import type { FlowSet } from '../flows/catalog.ts';
import type { FlowSource } from '../flows/flowSource.ts';
import type { Command } from '../flows/commands.ts';
import type { CompiledFlow, FlowEvent } from '../flows/compile.ts';
import type { ConversationRow, TurnWrite } from '../store/conversations.ts';
import type { Queryable, Tx } from '../store/db.ts';
import type { HandoffService, SafeguardingCheck } from './port.ts';
import type { Renderer } from './render.ts';
import type { Reply } from './reply.ts';
import type { ActionRunner } from './runAction.ts';
import type { Turn } from './turn.ts';

/** Removes a conversation's domain rows ("delete my data", refused consent), in the turn's transaction. */
export type Eraser = (tx: Queryable, conversationId: string) => Promise<void>;

/** What the steps of a turn may use; built once by `createEngine`. */
export interface EngineDeps {
  catalog: FlowSource;
  logger: Logger;
  /** The flow a new conversation starts. */
  startFlow: string;
  /** Language until the resident picks one (or their channel says). */
  defaultLocale: string;
  inactivityMinutes?: number | undefined;
  handoffs?: HandoffService | undefined;
  safeguarding?: SafeguardingCheck | undefined;
  erasers: readonly Eraser[];
  runAction: ActionRunner;
  /** LANGUAGES_LIVE: which languages are offered, detected and named (`liveLanguages`). */
  languagesLive: LiveLanguagesSetting;
}

/** The flow a conversation is in, at the version it started on, with its stored snapshot. */
export interface FlowPosition {
  flow: CompiledFlow;
  /** Undefined: the flow starts from its first step this turn. */
  snapshot: unknown;
  /** Why the conversation cannot carry on where it was under the live release (it starts afresh). */
  orphaned?: string;
}

/**
 * One turn as it passes through the steps. Steps read the turn and the loaded conversation and
 * add to `replies` and `changes`; only `runTurn` writes, once, in the turn's transaction `tx`.
 */
export interface TurnState {
  readonly turn: Turn;
  /** The turn's transaction: every write of the turn goes through it. */
  readonly tx: Tx;
  readonly conv: ConversationRow;
  /** The flow set live when the turn started (a reload mid-turn does not change it). */
  readonly flows: FlowSet;
  readonly deps: EngineDeps;
  locale: string;
  /** The live release's live languages, in the registry's order (English always). */
  readonly live: readonly string[];
  r: Renderer;
  replies: Reply[];
  /** Conversation fields this turn changes. */
  changes: TurnWrite['set'];
  /** Store the inbound message (false for "delete my data" and refused consent). */
  keepInbound: boolean;
  /** Erase the transcript before writing this turn's messages. */
  eraseMessages: boolean;
  /** The global command this message is (matched once, by `commandOf`). */
  command?: Command | undefined;
  commandMatched: boolean;
  /** For a `match: start` command: the words after its phrase ("the NHS" of "stop sharing with the NHS"). */
  commandRest?: string;
  /** Where the flow stands, once a step needed it (`flowPosition`). */
  position?: FlowPosition;
  /** What answer parsing made of the message, for the machine. */
  event?: FlowEvent | undefined;
  /** The consent answer given this turn, if any. */
  consent?: boolean | undefined;
  /**
   * Statements that ride in the turn's commit (funnel events, the reach row: store/funnelEvents.ts),
   * in order; they cost no round trip of their own and roll back with the turn.
   */
  extraSql: string[];
}

/** Who owns the conversation now, including a change made earlier in this turn. */
export function ownerOf(t: TurnState): 'bot' | 'person' {
  return t.changes.owner ?? t.conv.owner;
}

/** The flow's answers and results, read from a snapshot without restoring an actor. */
export function dataOf(snapshot: unknown): Record<string, unknown> {
  return ((snapshot as { context?: { data?: Record<string, unknown> } } | undefined)?.context?.data ?? {}) as Record<string, unknown>;
}
