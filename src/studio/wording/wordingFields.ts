import { createHash } from 'node:crypto';
import type { Wording } from './localeTexts.ts';
import { LANGUAGES } from '../../languages.ts';

// The wording form's fields, shared by the page that writes them and the save that reads them.

/** The form field of one text: `t:<lang>:<namespace>:<key>`. */
export const fieldName = (lang: string, namespace: string, key: string): string => `t:${lang}:${namespace}:${key}`;
export const FIELD = /^t:([a-z]{2,3}(?:-[A-Za-z]{2,4})?):([a-z][a-z0-9_-]*):([A-Za-z][\w-]*(?:\.[\w-]+)*)$/;

const names = new Intl.DisplayNames(['en'], { type: 'language' });
/** The registry's English name ("Bengali", "Panjabi"), else the runtime's. */
export function languageName(lang: string): string {
  const known = LANGUAGES.find((l) => l.code === lang);
  if (known) return known.english;
  try {
    return names.of(lang) ?? lang;
  } catch {
    return lang;
  }
}

/** The text box's text of a value (lists one item per line). */
export const boxText = (v: Wording | undefined): string => (v === undefined ? '' : Array.isArray(v) ? v.join('\n') : v);
/** A short fingerprint of what a text box showed (the form carries it as `h:<lang>:<namespace>:<key>`). */
export const shownHash = (v: Wording | undefined): string => createHash('sha256').update(boxText(v)).digest('base64url').slice(0, 16);

/** The "reviewed" tick of a translation: `r:<lang>:<namespace>:<key>` = 1 when ticked (unticked boxes are not posted). */
export const reviewedField = (lang: string, namespace: string, key: string): string => `r:${lang}:${namespace}:${key}`;
/** The status the page showed for a translation (`rs:…`), so an untick is told from a box the page never showed. */
export const shownStatusField = (lang: string, namespace: string, key: string): string => `rs:${lang}:${namespace}:${key}`;
