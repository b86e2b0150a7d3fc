import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { allActions } from '../../src/domain/allActions.ts';
import { ActionRegistry } from '../../src/engine/actions.ts';
import { loadFlowSetFromFiles } from '../../src/flows/catalog.ts';
import { readFlowFiles, type FlowFiles } from '../../src/flows/flowFiles.ts';
import { liveLanguages, noteDataNames, parseLiveLanguages } from '../../src/languages/live.ts';
import { buildCatalogue } from '../../src/translations/catalogue.ts';
import { readDataNameTexts } from '../../src/translations/dataNameTexts.ts';
import { reviewedLanguages, statusCounts, statusFileText, statusPath } from '../../src/translations/status.ts';

const shipped = await readFlowFiles('flows', 'locales');
const names = await readDataNameTexts('flows');
const ALL = ['en', 'ur', 'pa', 'bn', 'ar', 'ro', 'pl', 'so'];

/** The shipped files with `lang`'s status file marking every key of its catalogue reviewed, except those `keep` says not to. */
function reviewed(files: FlowFiles, lang: string, keep: (key: string) => boolean = () => true): FlowFiles {
  const status = Object.fromEntries(buildCatalogue(files, lang, names).filter((e) => keep(e.key)).map((e) => [e.key, 'reviewed' as const]));
  return { ...files, [statusPath(lang)]: statusFileText(status) };
}

describe('LANGUAGES_LIVE', () => {
  it('parses all, reviewed and a list of codes (English always); names unknown codes', () => {
    expect(parseLiveLanguages(' Reviewed ')).toEqual({ ok: true, value: 'reviewed' });
    expect(parseLiveLanguages('ur,pl')).toEqual({ ok: true, value: ['en', 'ur', 'pl'] });
    expect(parseLiveLanguages('ur,xx')).toMatchObject({ ok: false, message: expect.stringContaining('(unknown: xx)') });
  });

  it('all: every language with wording; a list: those listed, English always', () => {
    const files = { ...shipped };
    expect(liveLanguages('all', files, ALL)).toEqual(ALL);
    expect(liveLanguages(['ur', 'so'], files, ALL)).toEqual(['en', 'ur', 'so']);
  });

  it('reviewed: a broken _status.json never stops a turn; that language is simply not reviewed', () => {
    const pl = reviewed(shipped, 'pl');
    noteDataNames(pl, names);
    expect(liveLanguages('reviewed', pl, ALL)).toEqual(['en', 'pl']);
    for (const broken of ['{"consent.question": "reviewed",', '{"consent.question": "approved"}', '["reviewed"]']) {
      // Romanian's file cannot be read; Polish, fully reviewed, stays live.
      const files = { ...pl, [statusPath('ro')]: broken };
      noteDataNames(files, names);
      expect(() => liveLanguages('reviewed', files, ALL)).not.toThrow();
      expect(liveLanguages('reviewed', files, ALL)).toEqual(['en', 'pl']);
      // Polish's own file broken: Polish goes off, English stays.
      const own = { ...pl, [statusPath('pl')]: broken };
      noteDataNames(own, names);
      expect(liveLanguages('reviewed', own, ALL)).toEqual(['en']);
    }
  });

  it('reviewed counts the data names, as `translations status` does', () => {
    // Every wording string of Polish reviewed, its names of courses, jobs and places not.
    const wordingOnly = reviewed(shipped, 'pl', (k) => !k.startsWith('names.'));
    noteDataNames(wordingOnly, names);
    const counts = statusCounts(wordingOnly, names).find((c) => c.lang === 'pl')!;
    expect(counts.needsReview).toBeGreaterThan(0);
    expect(reviewedLanguages(wordingOnly, names)).toEqual(['en']);
    expect(liveLanguages('reviewed', wordingOnly, ALL)).toEqual(['en']);

    const everything = reviewed(shipped, 'pl');
    noteDataNames(everything, names);
    expect(statusCounts(everything, names).find((c) => c.lang === 'pl')).toMatchObject({ needsReview: 0, machine: 0, missing: 0 });
    expect(liveLanguages('reviewed', everything, ALL)).toEqual(['en', 'pl']);
  });

  it('the loader notes the data names, so a loaded set\'s reviewed languages agree with `translations status`', async () => {
    const actions = new ActionRegistry().register(...(await allActions(loadConfig({}))));
    const wordingOnly = reviewed(shipped, 'pl', (k) => !k.startsWith('names.'));
    const r = await loadFlowSetFromFiles(wordingOnly, { flowsDir: 'flows', actions });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(liveLanguages('reviewed', r.set.files, r.set.translator.languages)).toEqual(['en']);
    const all = await loadFlowSetFromFiles(reviewed(shipped, 'pl'), { flowsDir: 'flows', actions });
    expect(all.ok && liveLanguages('reviewed', all.set.files, all.set.translator.languages)).toEqual(['en', 'pl']);
  });
});
