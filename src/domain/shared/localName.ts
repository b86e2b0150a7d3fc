import type { NoticeWriter } from './notices.ts';

export type NameKind = 'course' | 'venue' | 'role' | 'site' | 'partner';

/**
 * The key part for a name: its English form in lower case, letters and digits joined by
 * dashes ("Heartlands Hospital" → "heartlands-hospital"). The same rule is in
 * src/flows/dataNames.ts, which writes the translations under these keys.
 */
export const nameSlug = (english: string): string =>
  english
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

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
