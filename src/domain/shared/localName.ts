import { nameSlug } from '../../i18n.ts';
import type { NoticeWriter } from './notices.ts';

export { nameSlug };

export type NameKind = 'course' | 'venue' | 'role' | 'site' | 'partner' | 'programme';

/**
 * A course, venue, job, site or partner name in the resident's language. The database
 * keeps the English name; translations come from the `name: { en, ur }` entries of
 * flows/courses.yaml and flows/partners.yaml, loaded with the wording as
 * `names.<kind>.<slug>`. A name with no translation stays English (issue 11, item 8).
 */
export function localName(w: Pick<NoticeWriter, 't'>, kind: NameKind, english: string): string {
  const slug = nameSlug(english);
  return slug ? w.t(`names.${kind}.${slug}`, { defaultValue: english }) : english;
}
