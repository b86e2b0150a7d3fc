import type { Reply } from '../../engine/reply.ts';
import { localName } from '../shared/localName.ts';
import type { NoticeWriter } from '../shared/notices.ts';
import type { ApplicationStatus } from './applicationProfile.ts';

/** The sentence for one status, in the resident's language (locales/<language>/notices.json). */
const statusSentence = (status: ApplicationStatus, w: NoticeWriter): string => w.t(`notices.application.status.${status}`);

/** "Role, Employer: sentence" for the in-turn "where is my application?" answer. */
export function statusLine(v: { role: string; partnerName: string }, status: ApplicationStatus, w: NoticeWriter): string {
  return w.t('notices.application.statusLine', { role: localName(w, 'role', v.role), partner: localName(w, 'partner', v.partnerName), sentence: statusSentence(status, w) });
}

export function statusUpdateReplies(v: { role: string; partnerName: string }, status: ApplicationStatus, w: NoticeWriter): Reply[] {
  const text = w.t('notices.application.update', { role: localName(w, 'role', v.role), partner: localName(w, 'partner', v.partnerName), sentence: statusSentence(status, w) });
  return [{ type: 'text', text, locale: w.locale, dir: w.dir }];
}
