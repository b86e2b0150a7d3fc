import type { Card, Reply } from '../../engine/reply.ts';
import type { SessionSummary } from './sessionSummary.ts';
import { formatWhen } from './formatWhen.ts';

// Proactive messages are English for now: the flow's i18n catalogue is not reachable
// from a job. The reply carries locale 'en' so channels render it honestly.
const en = { locale: 'en', dir: 'ltr' } as const;

export function sessionCard(s: SessionSummary, actions: Card['actions'] = []): Card {
  const when = formatWhen(s.startsAt);
  return {
    kind: 'session',
    title: s.courseName,
    facts: [
      { label: 'When', value: when },
      { label: 'Where', value: `${s.venue.name}, ${s.venue.address}` },
      { label: 'Step-free access', value: s.venue.accessible ? 'Yes' : 'No' },
      { label: 'Length', value: `${s.lengthWeeks} weeks` },
      { label: 'Seats left', value: String(s.seatsLeft) },
    ],
    actions,
    fallback: `${s.courseName}, ${when}, at ${s.venue.name}.`,
  };
}

export function reminderReplies(s: SessionSummary, offsetMs: number): Reply[] {
  const lead = offsetMs >= 24 * 3600_000 ? `in ${Math.round(offsetMs / (24 * 3600_000))} days` : 'soon';
  return [
    { type: 'text', text: `A reminder: your course starts ${lead}. It is on ${formatWhen(s.startsAt)}.`, ...en },
    { type: 'card', card: sessionCard(s), ...en },
    { type: 'text', text: 'If you cannot come, please tell me. Then someone else can have your seat.', ...en },
  ];
}

export function seatOfferReplies(s: SessionSummary, expiresAt: Date): Reply[] {
  return [
    { type: 'text', text: `Good news! A seat is free on the course you were waiting for.`, ...en },
    { type: 'card', card: sessionCard(s), ...en },
    // Buttons trigger global commands (flows/commands.yaml: accept_seat, decline_seat),
    // so the answer works whatever step the resident's flow is waiting in.
    {
      type: 'choices',
      text: `Do you want it? Please answer by ${formatWhen(expiresAt.toISOString())}.`,
      choices: [
        { value: 'cmd:accept_seat', label: 'Yes, book my seat' },
        { value: 'cmd:decline_seat', label: 'No, thank you' },
      ],
      ...en,
    },
  ];
}
