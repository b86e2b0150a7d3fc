import { z } from 'zod';
import type { ContactMethod, ContactStep } from '../../store/handoffs.ts';
import { parseCallbackRequest } from './callbackRequest.ts';

/** Button values of the contact exchange (what a press sends back as `value`). */
export const CONTACT_VALUES = {
  chat: 'handoff.contact.chat',
  phone: 'handoff.contact.phone',
  email: 'handoff.contact.email',
  yes: 'handoff.contact.yes',
  no: 'handoff.contact.no',
} as const;

/** The words a resident may type for each button, in their language (the button labels plus a few). */
export interface ContactWords {
  chat: readonly string[];
  phone: readonly string[];
  email: readonly string[];
  yes: readonly string[];
  no: readonly string[];
}

/** What one message means at the current step of the exchange. */
export type ContactInput =
  | { type: 'method'; method: ContactMethod }
  | { type: 'phone'; phone: string; preferredTime: string }
  | { type: 'email'; email: string }
  | { type: 'yes' }
  | { type: 'no' }
  | { type: 'invalid'; expected: 'phone' | 'email' }
  | { type: 'other' };

const emailSchema = z.email();
const EMAIL_IN_TEXT = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+\.[^\s<>()[\]"',;:]+/u;

const norm = (s: string) => s.normalize('NFKC').toLocaleLowerCase().replace(/[\p{P}\p{S}]+/gu, ' ').replace(/\s+/g, ' ').trim();

function says(text: string, words: readonly string[]): boolean {
  const t = ` ${norm(text)} `;
  return words.some((w) => {
    const n = norm(w);
    return n !== '' && t.includes(` ${n} `);
  });
}

function valueOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  return undefined;
}

/**
 * Reads a resident's message at `step` of the contact exchange. Pure. A phone number or email
 * address typed at the method question counts as choosing that method; a number at the
 * email question (or the reverse) is taken for what it is.
 */
export function readContactInput(step: ContactStep, input: { text?: string | undefined; value?: unknown }, words: ContactWords): ContactInput {
  const pressed = valueOf(input.value);
  if (pressed === CONTACT_VALUES.chat) return { type: 'method', method: 'chat' };
  if (pressed === CONTACT_VALUES.phone) return { type: 'method', method: 'phone' };
  if (pressed === CONTACT_VALUES.email) return { type: 'method', method: 'email' };
  if (pressed === CONTACT_VALUES.yes) return { type: 'yes' };
  if (pressed === CONTACT_VALUES.no) return { type: 'no' };
  const text = (input.text ?? pressed ?? '').trim();
  if (!text) return { type: 'other' };
  const email = EMAIL_IN_TEXT.exec(text)?.[0];
  if (email && step !== 'consent') {
    const ok = emailSchema.safeParse(email.toLowerCase());
    return ok.success ? { type: 'email', email: ok.data } : { type: 'invalid', expected: 'email' };
  }
  if (step !== 'consent') {
    const cb = parseCallbackRequest(text);
    if (cb.type === 'valid') return { type: 'phone', phone: cb.phone, preferredTime: cb.preferredTime };
    if (cb.type === 'invalid') return { type: 'invalid', expected: 'phone' };
  }
  switch (step) {
    case 'method':
      if (says(text, words.chat) || norm(text) === '1') return { type: 'method', method: 'chat' };
      if (says(text, words.phone) || norm(text) === '2') return { type: 'method', method: 'phone' };
      if (says(text, words.email) || norm(text) === '3') return { type: 'method', method: 'email' };
      return { type: 'other' };
    case 'phone':
    case 'email':
      if (says(text, words.chat)) return { type: 'method', method: 'chat' };
      // Something with digits or an @ was meant as the number or address.
      if (/\d/.test(text) || text.includes('@')) return { type: 'invalid', expected: step };
      return { type: 'other' };
    case 'consent':
      if (says(text, words.no)) return { type: 'no' };
      if (says(text, words.yes)) return { type: 'yes' };
      return { type: 'other' };
    case 'done':
      return { type: 'other' };
    default: {
      const never: never = step;
      return never;
    }
  }
}
