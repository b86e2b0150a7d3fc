/**
 * Slack's three control characters, replaced in this order (& first, or "&lt;" would
 * become "&amp;lt;"): https://api.slack.com/reference/surfaces/formatting#escaping.
 * With them escaped, resident text cannot form <!channel>, <!here>, <@U…>, <#C…> or
 * <http://…|…> links.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
