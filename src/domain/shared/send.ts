import type { Reply } from '../../engine/reply.ts';

/** Delivers replies outside a turn; the lead wires it to engine.sendProactive. Throwing means "not delivered". */
export type Send = (conversationId: string, replies: Reply[]) => Promise<unknown>;
