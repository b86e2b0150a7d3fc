import type { Reply } from '../../engine/reply.ts';
import type { NoticeWriter } from '../shared/notices.ts';
import type { ApplicationStatus } from './applicationProfile.ts';

/**
 * One sentence per status, in English: the in-turn status summary (journeyActions) still
 * uses it. Notices sent outside a turn use locales/<language>/notices.json instead.
 */
export function statusSentence(status: ApplicationStatus): string {
  switch (status) {
    case 'submitted':
      return 'We have sent your application.';
    case 'shortlisted':
      return 'Good news: you are on the shortlist.';
    case 'interview':
      return 'Good news: they would like to meet you for an interview. They will contact you with a time.';
    case 'offered':
      return 'Great news: they have offered you the job! They will contact you about the next steps and checks.';
    case 'unsuccessful':
      return 'Sorry, this time they did not choose you. You can still apply for other jobs, and I can help.';
    case 'withdrawn':
      return 'Your application for this job has been withdrawn.';
  }
}

export function statusUpdateReplies(v: { role: string; partnerName: string }, status: ApplicationStatus, w: NoticeWriter): Reply[] {
  const text = w.t('notices.application.update', { role: v.role, partner: v.partnerName, sentence: w.t(`notices.application.status.${status}`) });
  return [{ type: 'text', text, locale: w.locale, dir: w.dir }];
}
