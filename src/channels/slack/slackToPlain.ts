/**
 * Turns an adviser's Slack message into plain text for the resident: links show their
 * label and address, mentions become "@someone" (Slack ids mean nothing to residents),
 * and the three escaped characters come back.
 */
export function slackToPlain(text: string): string {
  return text
    .replace(/<((?:https?|mailto|tel):[^|>]+)\|([^>]+)>/g, (_m, url: string, label: string) => (label === url.replace(/^(mailto|tel):/, '') ? label : `${label} (${url})`))
    .replace(/<((?:https?|mailto|tel):[^>]+)>/g, (_m, url: string) => url.replace(/^(mailto|tel):/, ''))
    .replace(/<[@#!][^>|]*\|([^>]+)>/g, '$1')
    .replace(/<@[A-Z0-9]+>/g, '@someone')
    .replace(/<#[A-Z0-9]+>/g, '#channel')
    .replace(/<![^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
