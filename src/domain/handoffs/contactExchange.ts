import { createHash } from 'node:crypto';
import { recordConsent } from '../../store/consentEvents.ts';
import type { Reply } from '../../engine/reply.ts';
import type { Queryable } from '../../store/db.ts';
import { type Handoff, setHandoffContact } from '../../store/handoffs.ts';
import { recordAudit } from './audit.ts';
import { CONTACT_VALUES, readContactInput } from './contactPreference.ts';
import { emit, type HandoffContext } from './handoffContext.ts';
import type { HandoffTextKey } from './handoffText.ts';
import { isOpen, nextOpening } from './officeHours.ts';

const METHOD_CHOICES = [
  { value: CONTACT_VALUES.chat, label: 'contactChat' },
  { value: CONTACT_VALUES.phone, label: 'contactPhone' },
  { value: CONTACT_VALUES.email, label: 'contactEmail' },
] as const satisfies ReadonlyArray<{ value: string; label: HandoffTextKey }>;

const CONSENT_CHOICES = [
  { value: CONTACT_VALUES.yes, label: 'consentYes' },
  { value: CONTACT_VALUES.no, label: 'consentNo' },
] as const satisfies ReadonlyArray<{ value: string; label: HandoffTextKey }>;

/** The question that opens the exchange: chat now, a phone call or email, as buttons. */
export function contactQuestion(ctx: HandoffContext, locale: string): Reply {
  return ctx.text.choices('contactAsk', METHOD_CHOICES, locale);
}

/**
 * The small exchange a waiting resident has with the assistant (in the turn's transaction):
 * how to be contacted, the number or address, consent to keep it for this; then a short
 * "passed on" answer to every later message, saying when an adviser will be back. Returns
 * the lines the resident sees (never empty while nobody has claimed the handoff) and whether
 * the message is for the adviser: answers to the exchange are not relayed (a number the
 * resident then declines to share never reaches the adviser channel).
 */
export async function contactExchange(
  ctx: HandoffContext,
  tx: Queryable,
  h: Handoff,
  input: { conversationId: string; seq: number; text?: string | undefined; value?: unknown },
): Promise<{ replies: Reply[]; forAdviser: boolean }> {
  const { text } = ctx;
  const at = ctx.now();
  const locale = h.locale;
  const open = isOpen(ctx.calendar, h.partner, at);
  const next = open ? undefined : nextOpening(ctx.calendar, h.partner, at);
  const when = next ? text.when(next, locale) : undefined;
  const step = h.contact.step ?? 'done';
  const move = readContactInput(step, input, text.words(locale));

  /** What happens next, and when: said once the method is settled. */
  const whatNext = (method: 'chat' | 'phone' | 'email', contact?: string): Reply => {
    const base = method === 'chat' ? 'nextChat' : method === 'phone' ? 'nextPhone' : 'nextEmail';
    return when ? text.line(`${base}Later`, locale, { when, contact: contact ?? '' }) : text.line(base, locale, { contact: contact ?? '' });
  };
  const short = (): Reply => (when ? text.line('waitingShortLater', locale, { when }) : text.line('waitingShort', locale));
  const set = (c: Parameters<typeof setHandoffContact>[2]) => setHandoffContact(tx, h.id, c, at);
  /** Consent to contact by phone or email, as an event with the version of the question's wording. */
  const recordContactConsent = async (method: 'phone' | 'email', granted: boolean) => {
    const key = method === 'phone' ? 'consentPhone' : 'consentEmail';
    const shown = text.line(key, locale, { contact: '{{contact}}' });
    const version = createHash('sha256').update('text' in shown ? shown.text : key).digest('hex').slice(0, 16);
    await recordConsent(tx, [{ conversationId: h.conversationId, purpose: 'contact', scope: method, granted, wordingKey: `handoff.${key}`, wordingVersion: `handoff@${version}`, locale, at }]);
  };

  const askConsent = async (method: 'phone' | 'email', value: string): Promise<Reply[]> => {
    // Held for this one question: kept only if the resident agrees, removed if not.
    await set({ step: 'consent', method, value, consentAt: null });
    return [text.choices(method === 'phone' ? 'consentPhone' : 'consentEmail', CONSENT_CHOICES, locale, { contact: value })];
  };

  switch (move.type) {
    case 'method':
      if (step === 'done' || step === 'consent') break;
      if (move.method === 'chat') {
        await set({ step: 'done', method: 'chat', value: null, consentAt: null });
        await emit(ctx, tx, h.id, `contact:${h.id}:chat`, { type: 'callback', payload: { method: 'chat' } }, at);
        return { replies: [whatNext('chat')], forAdviser: false };
      }
      await set({ step: move.method, method: move.method });
      return { replies: [text.line(move.method === 'phone' ? 'askPhone' : 'askEmail', locale)], forAdviser: false };
    case 'phone':
      if (step === 'done') break;
      return { replies: await askConsent('phone', move.preferredTime ? `${move.phone} (${move.preferredTime})` : move.phone), forAdviser: false };
    case 'email':
      if (step === 'done') break;
      return { replies: await askConsent('email', move.email), forAdviser: false };
    case 'invalid':
      if (step === 'done') break;
      return { replies: [text.line(move.expected === 'phone' ? 'callbackInvalid' : 'emailInvalid', locale)], forAdviser: false };
    case 'yes': {
      if (step !== 'consent' || !h.contact.value || (h.contact.method !== 'phone' && h.contact.method !== 'email')) break;
      const method = h.contact.method;
      await set({ step: 'done', consentAt: at });
      await recordContactConsent(method, true);
      await recordAudit(tx, { conversationId: h.conversationId, handoffId: h.id, adviserId: 'resident', action: 'callback', at });
      const [number, preferredTime] = method === 'phone' ? splitPreferred(h.contact.value) : [h.contact.value, ''];
      const payload = method === 'phone' ? { method, phone: number, preferredTime } : { method, email: number };
      await emit(ctx, tx, h.id, `contact:${h.id}:${input.seq}`, { type: 'callback', payload }, at);
      return { replies: [whatNext(method, number)], forAdviser: false };
    }
    case 'no':
      if (step !== 'consent') break;
      if (h.contact.method === 'phone' || h.contact.method === 'email') await recordContactConsent(h.contact.method, false);
      await set({ step: 'done', method: 'chat', value: null, consentAt: null });
      await emit(ctx, tx, h.id, `contact:${h.id}:${input.seq}`, { type: 'callback', payload: { method: 'chat' } }, at);
      return { replies: [text.line('consentRefused', locale)], forAdviser: false };
    case 'other':
      break;
    default: {
      const never: never = move;
      return never;
    }
  }
  // Anything else is for the adviser (relayed): a short answer, never silence. The
  // first time, while the method question is still open, the choice is offered again once.
  if (step === 'method' && h.waitingNotes === 0) {
    await set({ step: 'method', noted: true });
    return { replies: [text.choices('contactReoffer', METHOD_CHOICES, locale)], forAdviser: true };
  }
  if (step === 'method') await set({ step: 'done', method: 'chat', noted: true });
  else await set({ step, noted: true });
  return { replies: [short()], forAdviser: true };
}

/** "07700 900123 (mornings)" → the number and the preferred time. */
function splitPreferred(value: string): [string, string] {
  const m = /^(.*?) \((.*)\)$/s.exec(value);
  return m ? [m[1]!, m[2]!] : [value, ''];
}
