/** Every English text of the draft by its flat i18n key (`welcome.greeting`), from locales/en/*.json. */
export function englishWording(files: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, prefix: string) => {
    if (typeof v === 'string') out.set(prefix, v);
    else if (Array.isArray(v)) out.set(prefix, v.filter((x) => typeof x === 'string').join(', '));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, prefix ? `${prefix}.${k}` : k);
  };
  for (const [path, text] of Object.entries(files)) {
    if (!/^locales\/en\/[^/]+\.json$/.test(path)) continue;
    try {
      walk(JSON.parse(text) as unknown, '');
    } catch {
      // A locale file that does not parse is the checker's to report; the form just shows no wording.
    }
  }
  return out;
}
