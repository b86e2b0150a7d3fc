import { stringify } from 'yaml';
import type { Reply } from '../../engine/reply.ts';
import type { FlowTest } from '../../flows/flowTest.ts';
import { flatKeys, resourcesFromTexts } from '../../i18n.ts';
import { localeFiles } from '../../flows/flowFiles.ts';
import type { PreviewSession } from './PreviewSession.ts';

/** The text the flow test runner compares an expectation with (flowTest.ts `replyText`). */
const replyText = (r: Reply): string => ('text' in r ? r.text : r.type === 'card' ? r.card.fallback : '');

/** A name as a file name: `Booking a course (en)` → `booking-a-course-en`. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'preview';
}

/** Escapes text for a literal match inside a `u` regular expression (only syntax characters may be escaped there). */
const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** Shortest wording worth naming as part of a longer reply: shorter ones ("Yes") match almost anything. */
const MIN_KEY_TEXT = 12;

/**
 * What to expect of one reply, as the runner checks it: the i18n key whose wording (without
 * parameters) is the longest part of the reply, or else the reply's first line as a literal
 * pattern (wording with answers or action results in it).
 */
function expectationOf(text: string, wordings: ReadonlyArray<readonly [string, string]>): string | undefined {
  // A reply that is one wording exactly is that key, however short.
  const whole = wordings.find((w) => w[1] === text);
  if (whole) return whole[0];
  let best: readonly [string, string] | undefined;
  for (const w of wordings) if (w[1].length >= MIN_KEY_TEXT && text.includes(w[1]) && (!best || w[1].length > best[1].length)) best = w;
  if (best) return best[0];
  const line = text.split('\n').find((l) => l.trim().length > 0)?.trim();
  return line ? `/${escapeRegExp(line.slice(0, 80))}/` : undefined;
}

/**
 * The preview so far as a flow test in the format of flows/tests/*.test.yaml: each message as
 * `send` (typed) or `click` (a button's value), each answer as `expect` with the wording's i18n key
 * and the buttons offered, and every action the draft called as a `fake` returning what the real
 * action returned in the preview (the runner replaces every action with its fake).
 */
export function flowTestOf(session: PreviewSession, name: string): { test: FlowTest; text: string } {
  const locale = session.start.locale;
  const t = session.set.translator.t(locale);
  const tree = resourcesFromTexts(localeFiles(session.set.files))[locale] ?? {};
  const wordings = [...flatKeys(tree)].map((k) => [k, String((t as unknown as (key: string) => unknown)(k))] as const).filter(([k, w]) => w !== k && !w.includes('{{'));
  const steps: FlowTest['steps'] = [];
  for (const x of session.exchanges) {
    if (x.kind === 'in') {
      steps.push(typeof x.value === 'string' ? { click: x.value } : { send: x.text ?? '' });
      continue;
    }
    const expects = [...new Set(x.replies.map((r) => expectationOf(replyText(r), wordings)).filter((e): e is string => e !== undefined))];
    const choices = x.replies.flatMap((r) => (r.type === 'choices' ? r.choices.map((c) => c.value) : []));
    if (expects.length) steps.push({ expect: expects.length === 1 ? expects[0]! : expects, ...(choices.length ? { choices } : {}) });
  }
  const fakes: FlowTest['fakes'] = {};
  for (const c of session.calls) fakes[c.name] ??= c.ok ? { result: c.result, fails: false } : { result: null, fails: true };
  const test: FlowTest = { name, locale, fakes, steps };
  const { fakes: _f, ...rest } = test;
  // `fails: false` is the default: left out, as a coordinator would write it.
  const written = {
    ...rest,
    ...(Object.keys(fakes).length ? { fakes: Object.fromEntries(Object.entries(fakes).map(([k, f]) => [k, f.fails ? { result: null, fails: true } : { result: f.result }])) } : {}),
  };
  const header = `# Saved from a preview in the studio: what was said and clicked, what the draft answered,\n# and what each action returned then (as fakes).\n`;
  return { test, text: header + stringify({ name: written.name, locale: written.locale, ...('fakes' in written ? { fakes: written.fakes } : {}), steps: written.steps }) };
}
