import type { Reply } from '../../engine/reply.ts';
import type { ApplicationStatus } from './applicationProfile.ts';

// English for now (proactive messages do not reach the flow's i18n catalogue).
const en = { locale: 'en', dir: 'ltr' } as const;

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

export function statusUpdateReplies(v: { role: string; partnerName: string }, status: ApplicationStatus): Reply[] {
  return [{ type: 'text', text: `An update on your application for ${v.role} at ${v.partnerName}. ${statusSentence(status)}`, ...en }];
}
