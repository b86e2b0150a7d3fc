/**
 * A stand-in engine for channel tests until the real one (src/engine/createEngine.ts) lands:
 * it writes the same rows the engine does (conversation, inbound and outbound messages with
 * per-conversation seq) in one transaction and then NOTIFYs MESSAGES_CHANNEL, which is all the
 * Direct Line endpoint relies on. Replies are scripted: a greeting with choices on start,
 * "You said: …" to text, "You chose: …" to a value, a card to "card".
 */
import type { Engine, TurnOutcome, WrittenMessage } from '../../../src/engine/port.ts';
import { MESSAGES_CHANNEL } from '../../../src/engine/port.ts';
import type { Reply } from '../../../src/engine/reply.ts';
import { parseTurn, type Turn } from '../../../src/engine/turn.ts';
import type { Db, Queryable } from '../../../src/store/db.ts';

function script(turn: Turn): Reply[] {
  const locale = turn.locale ?? 'en';
  const dir = locale === 'ur' || locale === 'ar' ? 'rtl' : 'ltr';
  if (turn.value === 'cmd:start') {
    return [
      {
        type: 'choices',
        text: 'Welcome to Anchorline. Shall we start?',
        choices: [
          { value: 'yes', label: 'Yes please' },
          { value: 'no', label: 'Not now' },
        ],
        locale,
        dir,
      },
    ];
  }
  if (turn.value !== undefined) return [{ type: 'text', text: `You chose: ${JSON.stringify(turn.value)}`, locale, dir }];
  if (turn.text === 'card') {
    return [
      {
        type: 'card',
        card: {
          kind: 'session',
          title: 'Healthcare support worker course',
          facts: [{ label: 'Venue', value: 'Solihull' }],
          actions: [{ value: 'book:s1', label: 'Book' }],
          fallback: 'Healthcare support worker course at Solihull. Reply "book" to book.',
        },
        locale,
        dir,
      },
    ];
  }
  return [
    { type: 'typing' },
    { type: 'text', text: `You said: ${turn.text}`, locale, dir },
  ];
}

async function append(tx: Queryable, conversationId: string, direction: 'in' | 'out', activityId: string | null, body: unknown): Promise<number> {
  const { rows } = await tx.query<{ seq: number }>(
    `WITH c AS (UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = now() WHERE id = $1 RETURNING last_seq)
     INSERT INTO messages (conversation_id, seq, direction, activity_id, body) SELECT $1, last_seq, $2, $3, $4 FROM c RETURNING seq`,
    [conversationId, direction, activityId, JSON.stringify(body)],
  );
  return Number(rows[0]!.seq);
}

export function createMinimalEngine(db: Db): Engine & { turns: Turn[] } {
  const turns: Turn[] = [];
  return {
    turns,
    async handleTurn(raw): Promise<TurnOutcome> {
      // As the engine: the turn is checked here, once (a channel answers turn_invalid with 400).
      const turn = parseTurn(raw);
      turns.push(turn);
      const outcome = await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO conversations (id, channel, user_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [
          turn.conversationId,
          turn.channel,
          turn.user.id,
        ]);
        await tx.query(`SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE`, [turn.conversationId]);
        const seen = await tx.query<{ replies: Reply[] }>(
          `SELECT replies FROM processed_activities WHERE conversation_id = $1 AND activity_id = $2`,
          [turn.conversationId, turn.activityId],
        );
        if (seen.rows[0]) return { replies: seen.rows[0].replies, duplicate: true, written: [] };
        const replies = script(turn);
        const inbound = {
          ...(turn.text !== undefined ? { text: turn.text } : {}),
          ...(turn.value !== undefined ? { value: turn.value } : {}),
          userId: turn.user.id,
          ...(turn.clientActivityId ? { clientActivityId: turn.clientActivityId } : {}),
        };
        const written: WrittenMessage[] = [
          { seq: await append(tx, turn.conversationId, 'in', turn.activityId, inbound), direction: 'in', activityId: turn.activityId, body: inbound },
        ];
        for (const r of replies) written.push({ seq: await append(tx, turn.conversationId, 'out', null, r), direction: 'out', activityId: null, body: r });
        await tx.query(`INSERT INTO processed_activities (conversation_id, activity_id, replies) VALUES ($1, $2, $3)`, [
          turn.conversationId,
          turn.activityId,
          JSON.stringify(replies),
        ]);
        return { replies, duplicate: false, written };
      });
      if (!outcome.duplicate) await db.query(`SELECT pg_notify($1, $2)`, [MESSAGES_CHANNEL, turn.conversationId]);
      return outcome;
    },
    async sendProactive(conversationId, replies) {
      const seqs = await db.transaction(async (tx) => {
        const out: number[] = [];
        for (const r of replies) out.push(await append(tx, conversationId, 'out', null, r));
        return out;
      });
      await db.query(`SELECT pg_notify($1, $2)`, [MESSAGES_CHANNEL, conversationId]);
      return seqs;
    },
  };
}
