import type { Handoff } from '../../store/handoffs.ts';

/** How the resident asked to be contacted, with the number or address only once they agreed to its use. */
function contactOf(h: Handoff): string {
  const c = h.contact;
  if (c.step === 'phone' || c.step === 'email' || c.step === 'consent') return `choosing (${c.method ?? 'chat'})`;
  if (c.method === 'phone' || c.method === 'email') return c.consentAt && c.value ? `${c.method === 'phone' ? 'CALL' : 'EMAIL'} ${c.value.replace(/\s+/g, ' ')}` : 'chat';
  if (c.method === 'chat') return 'chat';
  return c.step === 'method' ? 'not chosen yet' : 'chat';
}

/**
 * `anchorline handoffs list`: the open handoffs, urgent and oldest first, for advisers when no
 * adviser channel is connected (the handoffs table is the queue). One line each: id, status,
 * urgency, language, how long it has waited, and how the resident asked to be contacted.
 * Never the summary or anything the resident wrote.
 */
export function formatHandoffQueue(open: Handoff[], now: Date): string {
  if (open.length === 0) return 'No open handoffs.';
  const lines = open.map((h) => {
    const mins = Math.max(0, Math.round((now.getTime() - h.requestedAt.getTime()) / 60_000));
    const who = h.adviserId ? `claimed by ${h.adviserName ?? h.adviserId}` : 'unclaimed';
    return [
      `#${h.id}`.padEnd(6),
      h.status.padEnd(9),
      (h.urgency === 'urgent' ? 'URGENT' : 'normal').padEnd(7),
      h.locale.padEnd(5),
      `waiting ${mins} min`.padEnd(18),
      who.padEnd(20),
      `contact: ${contactOf(h)}`,
      `  (${h.reason.replace(/_/g, ' ')}, partner ${h.partner}, conversation ${h.conversationId})`,
    ].join(' ');
  });
  return [`Open handoffs (${open.length}), urgent and oldest first:`, ...lines].join('\n');
}
