import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isValid as isValidPostcode, toNormalised } from 'postcode';
import type { StatePropertyAccessor } from 'botbuilder';
import {
  ChoicePrompt,
  ComponentDialog,
  ListStyle,
  NumberPrompt,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { decideEligibility } from '../eligibility.ts';

/** The same English wording Anchorline shows, read once at start (Bot Framework bots usually hard-code it). */
function loadWording(root: string): (key: string, params?: Record<string, string>) => string {
  const tree = {
    ...(JSON.parse(readFileSync(path.join(root, 'locales/en/core.json'), 'utf8')) as Record<string, unknown>),
    ...(JSON.parse(readFileSync(path.join(root, 'bench/locales/en/bench.json'), 'utf8')) as Record<string, unknown>),
  };
  return (key, params = {}) => {
    const v = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], tree);
    if (typeof v === 'string') return v.replace(/\{\{(\w+)\}\}/g, (_, p: string) => params[p] ?? '');
    if (Array.isArray(v)) return v.join('|');
    throw new Error(`no wording for ${key}`);
  };
}

export interface UserProfile {
  language: string;
  ageBand: string;
  workStatus: string;
  postcode: string;
  age: number;
  hours: number;
  rightToWork: boolean;
  firstName: string;
  eligible: boolean;
  wantsCourses: boolean;
}

const CHOICE = 'choice';
const YESNO = 'yesno';
const POSTCODE = 'postcode';
const AGE = 'age';
const HOURS = 'hours';
const NAME = 'name';
const WATERFALL = 'eligibilityWaterfall';

/**
 * The benchmark conversation written the way the Bot Framework samples write a
 * multi-turn dialog: a ComponentDialog holding one WaterfallDialog, prompts with
 * validators and retry prompts, answers in step.values, the profile in UserState.
 */
export class EligibilityDialog extends ComponentDialog {
  constructor(
    root: string,
    private readonly profile: StatePropertyAccessor<UserProfile>,
  ) {
    super('eligibility');
    const t = loadWording(root);
    const words = (key: string) => t(key).split('|');
    const question = (key: string) => t(key);
    // Anchorline's yes/no reader accepts these words too (src/flows/answers.ts).
    const yesNo: Choice[] = [
      { value: 'yes', action: { type: 'imBack', title: t('answers.yesLabel'), value: t('answers.yesLabel') }, synonyms: ['y', 'yeah', 'yep', 'ok', 'okay', 'sure', 'i agree', 'agree', ...words('answers.yesWords')] },
      { value: 'no', action: { type: 'imBack', title: t('answers.noLabel'), value: t('answers.noLabel') }, synonyms: ['n', 'nope', 'nah', 'i do not agree', 'no thanks', ...words('answers.noWords')] },
    ];
    const choiceOf = (value: string, label: string, synonyms: string[] = []): Choice => ({
      value,
      action: { type: 'imBack', title: t(label), value: t(label) },
      synonyms: [t(label), ...synonyms],
    });
    const languages = [choiceOf('en', 'languages.en', words('bench.enWords')), choiceOf('ur', 'languages.ur', words('bench.urWords'))];
    const ageBands = [
      choiceOf('under_16', 'bench.ageBand.under16'),
      choiceOf('16_17', 'bench.ageBand.16to17'),
      choiceOf('18_24', 'bench.ageBand.18to24'),
      choiceOf('25_plus', 'bench.ageBand.25plus'),
    ];
    const work = [
      choiceOf('hospitality', 'bench.work.hospitality', words('bench.work.hospitalityWords')),
      choiceOf('unemployed', 'bench.work.unemployed', words('bench.work.unemployedWords')),
      choiceOf('education', 'bench.work.education'),
      choiceOf('other_work', 'bench.work.other'),
    ];
    const choicePrompt = (key: string, choices: Choice[]) => ({
      prompt: question(key),
      retryPrompt: `${t('answers.hint.choice')}\n\n${question(key)}`,
      choices,
      style: ListStyle.suggestedAction,
    });
    const hinted = (hint: string, key: string) => ({ prompt: question(key), retryPrompt: `${hint}\n\n${question(key)}` });
    const inRange = (min: number, max: number) => async (pc: PromptValidatorContext<number>) =>
      pc.recognized.succeeded && Number.isFinite(pc.recognized.value) && pc.recognized.value! >= min && pc.recognized.value! <= max;

    const choice = new ChoicePrompt(CHOICE, undefined, 'en-us');
    const yesno = new ChoicePrompt(YESNO, undefined, 'en-us');
    // Anchorline matches choices by exact words and numbers, not fuzzy tokens.
    choice.recognizerOptions = { allowPartialMatches: false };
    yesno.recognizerOptions = { allowPartialMatches: false };
    this.addDialog(choice);
    this.addDialog(yesno);
    this.addDialog(new TextPrompt(POSTCODE, async (pc) => pc.recognized.succeeded && isValidPostcode((pc.recognized.value ?? '').trim().toUpperCase())));
    this.addDialog(new NumberPrompt(AGE, inRange(16, 99), 'en-us'));
    this.addDialog(new NumberPrompt(HOURS, inRange(0, 48), 'en-us'));
    this.addDialog(new TextPrompt(NAME, async (pc) => pc.recognized.succeeded && (pc.recognized.value ?? '').trim().length >= 1 && (pc.recognized.value ?? '').trim().length <= 50));

    type Step = WaterfallStepContext;
    // Answers so far live in the waterfall's step.values (persisted in ConversationState).
    const answers = (step: Step) => step.values as Partial<UserProfile>;
    const found = (step: Step) => (step.result as FoundChoice).value;
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        async (step: Step) => {
          await step.context.sendActivity(t('bench.greeting'));
          return step.prompt(CHOICE, choicePrompt('bench.languageQuestion', languages));
        },
        async (step: Step) => {
          answers(step).language = found(step);
          await step.context.sendActivity(t('bench.consentNotice'));
          return step.prompt(YESNO, { ...choicePrompt('bench.consentQuestion', yesNo), retryPrompt: `${t('answers.hint.yesno')}\n\n${question('bench.consentQuestion')}` });
        },
        async (step: Step) => {
          if (found(step) !== 'yes') {
            await step.context.sendActivity(t('bench.consentRefused'));
            return step.endDialog();
          }
          await step.context.sendActivity(t('bench.consentThanks'));
          return step.prompt(CHOICE, choicePrompt('bench.ageBandQuestion', ageBands));
        },
        async (step: Step) => {
          answers(step).ageBand = found(step);
          return step.prompt(CHOICE, choicePrompt('bench.workQuestion', work));
        },
        async (step: Step) => {
          answers(step).workStatus = found(step);
          return step.prompt(POSTCODE, hinted(t('bench.postcodeHint'), 'bench.postcodeQuestion'));
        },
        async (step: Step) => {
          answers(step).postcode = toNormalised((step.result as string).trim().toUpperCase()) ?? '';
          return step.prompt(AGE, hinted(t('answers.hint.numberRange', { min: '16', max: '99' }), 'bench.ageQuestion'));
        },
        async (step: Step) => {
          answers(step).age = step.result as number;
          return step.prompt(HOURS, hinted(t('answers.hint.numberRange', { min: '0', max: '48' }), 'bench.hoursQuestion'));
        },
        async (step: Step) => {
          answers(step).hours = step.result as number;
          return step.prompt(YESNO, { ...choicePrompt('bench.rightToWorkQuestion', yesNo), retryPrompt: `${t('answers.hint.yesno')}\n\n${question('bench.rightToWorkQuestion')}` });
        },
        async (step: Step) => {
          answers(step).rightToWork = found(step) === 'yes';
          return step.prompt(NAME, hinted(t('answers.hint.textLong', { max: '50' }), 'bench.nameQuestion'));
        },
        async (step: Step) => {
          answers(step).firstName = (step.result as string).trim();
          const v = answers(step);
          const e = decideEligibility({ age: v.age!, hours: v.hours!, right_to_work: v.rightToWork!, postcode: v.postcode!, work_status: v.workStatus! });
          answers(step).eligible = e.eligible;
          await step.context.sendActivity(e.eligible ? t('bench.eligible', { name: v.firstName ?? '', programme: e.programme }) : t('bench.notEligible', { name: v.firstName ?? '' }));
          return step.prompt(YESNO, { ...choicePrompt('bench.coursesQuestion', yesNo), retryPrompt: `${t('answers.hint.yesno')}\n\n${question('bench.coursesQuestion')}` });
        },
        async (step: Step) => {
          answers(step).wantsCourses = found(step) === 'yes';
          await this.profile.set(step.context, answers(step) as UserProfile);
          await step.context.sendActivity(t('bench.done'));
          return step.endDialog();
        },
      ]),
    );
    this.initialDialogId = WATERFALL;
  }
}
