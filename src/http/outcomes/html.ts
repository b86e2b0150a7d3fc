/** Escapes text for HTML element content and attribute values (the studio's `html`, for the http room). */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
