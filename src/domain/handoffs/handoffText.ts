import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { z } from 'zod';
import type { Reply } from '../../engine/reply.ts';
import { languageOf } from '../../languages.ts';
import type { ContactWords } from './contactPreference.ts';
import { OFFICE_TIME_ZONE } from './officeHours.ts';


const textsSchema = z.record(z.string(), z.string());

export type HandoffTextKey =
  | 'queued'
  | 'alreadyWaiting'
  | 'queuedOffline'
  | 'outOfHours'
  | 'urgent'
  | 'claimed'
  | 'claimedNoName'
  | 'released'
  | 'returned'
  | 'closed'
  | 'fileRefused'
  | 'callbackInvalid'
  | 'contactAsk'
  | 'contactChat'
  | 'contactPhone'
  | 'contactEmail'
  | 'askPhone'
  | 'askEmail'
  | 'consentPhone'
  | 'consentEmail'
  | 'consentYes'
  | 'consentNo'
  | 'consentRefused'
  | 'emailInvalid'
  | 'nextChat'
  | 'nextChatLater'
  | 'nextPhone'
  | 'nextPhoneLater'
  | 'nextEmail'
  | 'nextEmailLater'
  | 'waitingShort'
  | 'waitingShortLater'
  | 'contactReoffer';

export interface HandoffText {
  /** A handoff status line in the resident's language (English when missing). */
  status(status: Extract<Reply, { type: 'handoffStatus' }>['status'], key: HandoffTextKey, locale: string, vars?: Record<string, string>): Reply;
  /** A plain line (file refused, call-back saved...). */
  line(key: HandoffTextKey, locale: string, vars?: Record<string, string>): Reply;
  /** A question with buttons; each choice is a button value and the key of its label. */
  choices(key: HandoffTextKey, choices: ReadonlyArray<{ value: string; label: HandoffTextKey }>, locale: string, vars?: Record<string, string>): Reply;
  /** What a resident may type for each button of the contact exchange, in their language (English words too). */
  words(locale: string): ContactWords;
  /** "Monday 09:00" in the resident's language, London time. */
  when(at: Date, locale: string): string;
}

/** Loads `locales/<lang>/handoff.json` for every language folder present. */
export function loadHandoffText(localesDir: string, fallbackLng = 'en'): HandoffText {
  const resources: Record<string, { handoff: Record<string, string> }> = {};
  for (const lng of readdirSync(localesDir)) {
    const file = path.join(localesDir, lng, 'handoff.json');
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    resources[lng] = { handoff: textsSchema.parse(JSON.parse(raw)) };
  }
  const i18n = i18next.createInstance();
  void i18n.init({ resources, fallbackLng, ns: ['handoff'], defaultNS: 'handoff', initAsync: false, interpolation: { escapeValue: false } });
  const langOf = (locale: string) => {
    const base = locale.split('-')[0]!;
    return resources[locale] ? locale : resources[base] ? base : fallbackLng;
  };
  const tr = (key: HandoffTextKey, locale: string, vars?: Record<string, string>) => {
    const lng = langOf(locale);
    const t: TFunction = i18n.getFixedT(lng);
    return { text: t(key, vars ?? {}), locale: lng, dir: languageOf(lng)?.dir ?? ('ltr' as const) };
  };
  return {
    status: (status, key, locale, vars) => ({ type: 'handoffStatus', status, ...tr(key, locale, vars) }),
    line: (key, locale, vars) => ({ type: 'text', ...tr(key, locale, vars) }),
    choices: (key, choices, locale, vars) => ({
      type: 'choices',
      ...tr(key, locale, vars),
      choices: choices.map((c) => ({ value: c.value, label: tr(c.label, locale).text })),
    }),
    words: (locale) => {
      const lng = langOf(locale);
      const list = (key: string) => {
        const own = resources[lng]?.handoff[key] ?? '';
        const en = lng === fallbackLng ? '' : (resources[fallbackLng]?.handoff[key] ?? '');
        return `${own}|${en}`.split('|').filter(Boolean);
      };
      return { chat: list('wordsChat'), phone: list('wordsPhone'), email: list('wordsEmail'), yes: list('wordsYes'), no: list('wordsNo') };
    },
    when: (at, locale) => {
      try {
        return new Intl.DateTimeFormat(langOf(locale) === 'en' ? 'en-GB' : langOf(locale), {
          timeZone: OFFICE_TIME_ZONE,
          weekday: 'long',
          hour: '2-digit',
          minute: '2-digit',
        }).format(at);
      } catch {
        return at.toISOString();
      }
    },
  };
}
