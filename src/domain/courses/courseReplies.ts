import type { Card, Reply } from '../../engine/reply.ts';
import type { NoticeWriter } from '../shared/notices.ts';
import type { SessionSummary } from './sessionSummary.ts';
import { localName } from '../shared/localName.ts';
import { formatWhen } from './formatWhen.ts';

const DAY_MS = 24 * 3600_000;

/** Everything in the resident's language: course and venue names (English where no translation), labels, dates. */
export function sessionCard(s: SessionSummary, w: NoticeWriter, actions: Card['actions'] = []): Card {
  const when = formatWhen(s.startsAt, w.locale, s.endsAt);
  const course = localName(w, 'course', s.courseName);
  const venue = localName(w, 'venue', s.venue.name);
  return {
    kind: 'session',
    title: course,
    facts: [
      { label: w.t('notices.session.when'), value: when },
      { label: w.t('notices.session.where'), value: `${venue}, ${s.venue.address}` },
      { label: w.t('notices.session.stepFree'), value: w.t(s.venue.accessible ? 'notices.session.yes' : 'notices.session.no') },
      { label: w.t('notices.session.length'), value: w.t('notices.session.weeks', { count: s.lengthWeeks }) },
      { label: w.t('notices.session.seatsLeft'), value: String(s.seatsLeft) },
    ],
    actions,
    fallback: w.t('notices.session.fallback', { course, when, venue }),
  };
}

export function reminderReplies(s: SessionSummary, offsetMs: number, w: NoticeWriter): Reply[] {
  const when = formatWhen(s.startsAt, w.locale, s.endsAt);
  const lead =
    offsetMs >= DAY_MS
      ? w.t('notices.reminder.inDays', { count: Math.round(offsetMs / DAY_MS), when })
      : w.t('notices.reminder.soon', { when });
  const { locale, dir } = w;
  return [
    { type: 'text', text: lead, locale, dir },
    { type: 'card', card: sessionCard(s, w), locale, dir },
    { type: 'text', text: w.t('notices.reminder.cannotCome'), locale, dir },
  ];
}

export function seatOfferReplies(s: SessionSummary, expiresAt: Date, w: NoticeWriter): Reply[] {
  const { locale, dir } = w;
  return [
    { type: 'text', text: w.t('notices.seatOffer.goodNews'), locale, dir },
    { type: 'card', card: sessionCard(s, w), locale, dir },
    // Buttons trigger global commands (flows/commands.yaml: accept_seat, decline_seat),
    // so the answer works whatever step the resident's flow is waiting in.
    {
      type: 'choices',
      text: w.t('notices.seatOffer.question', { when: formatWhen(expiresAt.toISOString(), locale) }),
      choices: [
        { value: 'cmd:accept_seat', label: w.t('notices.seatOffer.accept') },
        { value: 'cmd:decline_seat', label: w.t('notices.seatOffer.decline') },
      ],
      locale,
      dir,
    },
  ];
}
