/**
 * Web Chat's own strings ("Just now", connection notices, "Type your message") for the
 * languages its 4.18 bundle does not have, by Web Chat's string id (see
 * botframework-webchat-api/src/localization/en-US.json). Web Chat 4.18 ships ar-SA, pl-PL
 * and ro-RO but no Urdu (ur-PK), Panjabi, Bengali or Somali: for those it shows English
 * unless every visible string is given here.
 *
 * Urdu written by the development team: WAITING FOR REVIEW by a native Urdu speaker.
 */
export const WEBCHAT_STRINGS: Record<string, Record<string, string>> = {
  ur: {
    ACTIVITY_BOT_SAID_ALT: 'بوٹ $1 نے کہا:',
    ACTIVITY_YOU_SAID_ALT: 'آپ نے کہا:',
    ACTIVITY_ERROR_BOX_TITLE: 'غلطی کا پیغام',
    ACTIVITY_INTERACTIVE_REASON_SEND_FAILED_ALT: 'نہیں بھیجا جا سکا۔',
    ACTIVITY_STATUS_SEND_FAILED_RETRY: 'نہیں بھیجا جا سکا۔ [دوبارہ کوشش کریں][RETRY]۔',
    ACTIVITY_STATUS_SEND_STATUS_ALT_SENDING: 'بھیجا جا رہا ہے',
    ACTIVITY_STATUS_SEND_STATUS_ALT_SENT_AT: '$1 پر بھیجا گیا',
    ACTIVITY_STATUS_TIMESTAMP_JUST_NOW: 'ابھی ابھی',
    ACTIVITY_STATUS_TIMESTAMP_ONE_MINUTE_AGO: 'ایک منٹ پہلے',
    ACTIVITY_STATUS_TIMESTAMP_ONE_HOUR_AGO: 'ایک گھنٹہ پہلے',
    ACTIVITY_STATUS_TIMESTAMP_TODAY: 'آج',
    ACTIVITY_STATUS_TIMESTAMP_YESTERDAY: 'کل',
    CAROUSEL_FLIPPER_NEXT_ALT: 'اگلا',
    CAROUSEL_FLIPPER_PREVIOUS_ALT: 'پچھلا',
    CONNECTIVITY_STATUS_ALT: 'رابطے کی حالت: $1',
    CONNECTIVITY_STATUS_ALT_CONNECTED: 'رابطہ ہو گیا',
    CONNECTIVITY_STATUS_ALT_CONNECTING: 'رابطہ ہو رہا ہے…',
    CONNECTIVITY_STATUS_ALT_FATAL: 'رابطہ نہیں ہو سکا۔',
    CONNECTIVITY_STATUS_ALT_RECONNECTING: 'انٹرنیٹ کا رابطہ ٹوٹ گیا۔ دوبارہ رابطہ ہو رہا ہے…',
    CONNECTIVITY_STATUS_ALT_RENDER_ERROR: 'کچھ غلط ہو گیا۔ براہ کرم صفحہ دوبارہ کھولیں۔',
    CONNECTIVITY_STATUS_ALT_SLOW_CONNECTION: 'رابطے میں معمول سے زیادہ وقت لگ رہا ہے۔',
    SEND_BOX_IS_EMPTY_TOOLTIP_ALT: 'خالی پیغام نہیں بھیجا جا سکتا۔',
    SUGGESTED_ACTIONS_FLIPPER_NEXT_ALT: 'اگلا',
    SUGGESTED_ACTIONS_FLIPPER_PREVIOUS_ALT: 'پچھلا',
    SUGGESTED_ACTIONS_LABEL_ALT: 'جواب کے بٹن',
    TEXT_INPUT_ALT: 'پیغام لکھنے کی جگہ',
    TEXT_INPUT_LENGTH_EXCEEDED_ALT: 'پیغام بہت لمبا ہے',
    TEXT_INPUT_PLACEHOLDER: 'اپنا پیغام لکھیں',
    TEXT_INPUT_SEND_BUTTON_ALT: 'بھیجیں',
    TRANSCRIPT_ARIA_LABEL_ALT: 'بات چیت، آگے پیچھے جانے کے لیے تیر والے بٹن دبائیں۔',
    TRANSCRIPT_ARIA_ROLE_ALT: 'بات چیت',
    TRANSCRIPT_LIVE_REGION_SEND_FAILED_ALT: 'پیغام نہیں بھیجا جا سکا۔',
    TRANSCRIPT_LIVE_REGION_SUGGESTED_ACTIONS_LABEL_ALT: 'اس پیغام کے ساتھ جواب کے بٹن ہیں۔ انہیں چننے کے لیے شفٹ اور ٹیب 2 یا 3 بار دبائیں۔',
    TRANSCRIPT_MORE_MESSAGES: 'مزید پیغامات',
    TRANSCRIPT_NEW_MESSAGES: 'نئے پیغامات',
    TRANSCRIPT_TERMINATOR_TEXT: 'بات چیت کا اختتام',
    TYPING_INDICATOR_ALT: 'لکھا جا رہا ہے',
  },
};

/**
 * The locale Web Chat is given per language: one of its own bundles where it has one,
 * else the language's regional tag (dates and numbers follow it; strings come from
 * WEBCHAT_STRINGS).
 */
export const WEBCHAT_LOCALES: Record<string, string> = {
  en: 'en-GB',
  ur: 'ur-PK',
  ar: 'ar-SA',
  pl: 'pl-PL',
  ro: 'ro-RO',
  pa: 'pa-IN',
  bn: 'bn-BD',
  so: 'so-SO',
};
