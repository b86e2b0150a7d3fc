import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { renderReply, type OutboundActivity } from '../../channels/web/renderReply.ts';
import { createEngine } from '../../engine/createEngine.ts';
import type { Engine, HandoffService, SafeguardingCheck } from '../../engine/port.ts';
import type { Reply } from '../../engine/reply.ts';
import type { ActionRunner } from '../../engine/runAction.ts';
import type { Eraser } from '../../engine/turnState.ts';
import type { FlowSet } from '../../flows/catalog.ts';
import type { FlowSource } from '../../flows/flowSource.ts';
import type { Db } from '../../store/db.ts';
import { rollbackDb, type PreviewConversationRef } from './rollbackDb.ts';
import type { PreviewMemory } from '../../store/previewConversations.ts';

/** What the engine of every preview shares: the process's real actions, handoff desk and erasers. */
export interface PreviewEngineDeps {
  db: Db;
  logger: Logger;
  runAction: ActionRunner;
  handoffs?: HandoffService | undefined;
  safeguarding?: SafeguardingCheck | undefined;
  erasers?: Eraser[] | undefined;
  statementTimeoutMs?: number | undefined;
  inactivityMinutes?: number | undefined;
}

/** One exchange of the preview, in order: what the coordinator sent and what the draft answered. */
export type PreviewExchange =
  | { kind: 'in'; text?: string | undefined; value?: unknown }
  | { kind: 'out'; replies: Reply[] };

/** An action the draft called during the preview, with what the real action gave back. */
export interface RecordedCall {
  name: string;
  ok: boolean;
  result?: unknown;
}

/** A Bot Framework activity as Web Chat shows it: the rendered reply with its id, time and conversation. */
export type PreviewActivity = OutboundActivity & { id: string; timestamp: string; conversation: { id: string } };

/** A draft flow set as the engine reads it: fixed, never switching. */
export function fixedFlowSource(set: FlowSet): FlowSource {
  return {
    current: set,
    get: async (id, version) => {
      const flow = set.flows.get(id);
      return flow?.version === version ? flow : undefined;
    },
  };
}

/**
 * One preview conversation on a draft: its own engine over the draft's flows with the real
 * actions and handoff desk, on a database whose every transaction is rolled back
 * (`rollbackDb`). The conversation itself lives here, in memory, between turns.
 */
export class PreviewSession {
  readonly id = `preview-${randomUUID()}`;
  readonly exchanges: PreviewExchange[] = [];
  readonly calls: RecordedCall[] = [];
  /** Set by PreviewSessions on every use (idle previews expire). */
  lastUsed = 0;
  readonly #engine: Engine;
  readonly #conv: PreviewConversationRef;
  #activities = 0;
  #seq = 0;

  constructor(
    readonly set: FlowSet,
    readonly start: { flowId: string; step: string | undefined; locale: string; answers: Record<string, unknown> },
    memory: PreviewMemory,
    deps: PreviewEngineDeps,
  ) {
    this.#conv = { id: this.id, userId: 'studio-preview', memory };
    const runAction: ActionRunner = async (name, params, turn) => {
      try {
        const result = await deps.runAction(name, params, turn);
        this.calls.push({ name, ok: true, result });
        return result;
      } catch (err) {
        this.calls.push({ name, ok: false });
        throw err;
      }
    };
    this.#engine = createEngine({
      db: rollbackDb(deps.db, this.#conv),
      catalog: fixedFlowSource(set),
      logger: deps.logger,
      runAction,
      startFlow: start.flowId,
      defaultLocale: start.locale,
      handoffs: deps.handoffs,
      safeguarding: deps.safeguarding,
      erasers: deps.erasers ?? [],
      ...(deps.statementTimeoutMs ? { statementTimeoutMs: deps.statementTimeoutMs } : {}),
      ...(deps.inactivityMinutes ? { inactivityMinutes: deps.inactivityMinutes } : {}),
    });
  }

  /** The replies as Web Chat activities. */
  activities(replies: Reply[]): PreviewActivity[] {
    const timestamp = new Date().toISOString();
    return replies.map((r) => ({ ...renderReply(r), id: `${this.id}|${++this.#seq}`, timestamp, conversation: { id: this.id } }));
  }

  /** Replies shown without a turn (the question a preview started at). */
  shown(replies: Reply[]): PreviewActivity[] {
    this.exchanges.push({ kind: 'out', replies });
    return this.activities(replies);
  }

  /** One message from the coordinator, through the draft's engine; everything it wrote is rolled back. */
  async send(input: { text?: string | undefined; value?: unknown; attachments?: number | undefined }): Promise<PreviewActivity[]> {
    const out = await this.#engine.handleTurn({
      conversationId: this.id,
      channel: 'test',
      activityId: `a${++this.#activities}`,
      user: { id: this.#conv.userId },
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(input.value !== undefined ? { value: input.value } : {}),
      ...(input.attachments ? { attachments: input.attachments } : {}),
      locale: this.start.locale,
      receivedAt: new Date(),
    });
    this.exchanges.push({ kind: 'in', text: input.text, value: input.value }, { kind: 'out', replies: out.replies });
    return this.activities(out.replies);
  }
}
