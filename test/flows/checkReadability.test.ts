import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlowSet } from '../../src/flows/catalog.ts';
import { checkReadability, gradeOf } from '../../src/flows/checkReadability.ts';
import { parseFlowFile } from '../../src/flows/parseFlowFile.ts';
import { loadConfig } from '../../src/config.ts';
import { allActions } from '../../src/domain/allActions.ts';
import { ActionRegistry } from '../../src/engine/actions.ts';

const HARD =
  'Prior to commencing your application, applicants are required to demonstrate eligibility through appropriate documentation verification procedures.';
const EASY = 'We keep your answers safe. You can ask us to delete them at any time.';

/** A folder with one English locale file, an optional allow file and one flow with buttons. */
function fixture(texts: Record<string, unknown>, allow?: string) {
  const root = mkdtempSync(path.join(tmpdir(), 'anchorline-words-'));
  const flowsDir = path.join(root, 'flows');
  const localesDir = path.join(root, 'locales');
  mkdirSync(flowsDir);
  mkdirSync(path.join(localesDir, 'en'), { recursive: true });
  writeFileSync(path.join(localesDir, 'en', 'core.json'), JSON.stringify({ t: texts }, null, 2));
  if (allow !== undefined) writeFileSync(path.join(flowsDir, 'readability-allow.yaml'), allow);
  const flow = parseFlowFile(
    'flows/t.flow.yaml',
    'id: t\nsteps:\n  q:\n    ask: x\n    type: choice\n    question: t.easy\n    choices:\n      - { value: a, label: t.short }\n      - { value: b, label: t.long }\n  e:\n    end: true\n',
  ).flow!;
  return { flowsDir, localesDir, flows: [flow] };
}

const brief = (ps: Awaited<ReturnType<typeof checkReadability>>) => ps.map((p) => `${p.severity} ${p.code} ${p.path}`);

describe('plain words check', () => {
  it('scores plain English low and official English high', () => {
    expect(gradeOf(EASY).grade).toBeLessThan(4);
    expect(gradeOf(HARD).grade).toBeGreaterThan(10);
  });

  it('reads interpolations and listed names as short words', () => {
    const raw = gradeOf('Your course is at {{venueNameThatIsVeryLongIndeed}} in Birmingham on {{when}}.');
    expect(raw.grade).toBeLessThan(4);
    const named = gradeOf('Hospitality to Health helps people in Birmingham and Solihull find work.', ['Hospitality to Health', 'Birmingham', 'Solihull']);
    expect(named.grade).toBeLessThan(gradeOf('Hospitality to Health helps people in Birmingham and Solihull find work.').grade);
  });

  it('reports hard texts and long buttons with file, line and key, as warnings by default', async () => {
    const f = fixture({ easy: EASY, hard: HARD, tiny: 'Documentation verification.', short: 'Yes', long: 'Yes. I had a job in a pub. It was last year. I liked it.' });
    const ps = await checkReadability(f);
    expect(brief(ps)).toEqual(['warning reading_age t.hard', 'warning label_long t.long']);
    const hard = ps.find((p) => p.path === 't.hard')!;
    expect(hard.file).toBe(path.join(f.localesDir, 'en', 'core.json'));
    expect(hard.line).toBe(4);
    expect(hard.message).toMatch(/reading grade \d+(\.\d)? is above 4 \(reading age about 9\)/);
  });

  it('becomes an error with one setting, and skips allowed texts', async () => {
    const f = fixture({ easy: EASY, hard: HARD, other: HARD, short: 'Yes', long: 'Yes' }, 'severity: error\nallow:\n  - { key: t.hard, reason: a quote from the law }\n');
    expect(brief(await checkReadability(f))).toEqual(['error reading_age t.other']);
  });

  it('reports words to avoid, an allow entry for a missing key, and a broken allow file', async () => {
    const allow = 'avoid:\n  - { words: share code, say: explain it }\nallow:\n  - { key: t.gone, reason: was here once }\n';
    const f = fixture({ easy: EASY, short: 'Yes', long: 'Yes', code: 'Do you have a Share code?' }, allow);
    expect(brief(await checkReadability(f))).toEqual(['warning hard_words t.code', 'warning readability_allow_unknown t.gone']);
    const broken = fixture({ easy: EASY, short: 'Yes', long: 'Yes' }, 'allow:\n  - { key: t.easy }\n');
    expect(brief(await checkReadability(broken))).toEqual(['error schema allow.0.reason']);
  });

  it('runs when flows load: the shipped flows pass with no error, and my texts (welcome, consent, about, notices) pass', async () => {
    const r = await loadFlowSet({ flowsDir: 'flows', localesDir: 'locales', actions: new ActionRegistry().register(...(await allActions(loadConfig({})))) });
    expect(r.ok).toBe(true);
    const words = r.ok ? r.set.warnings.filter((p) => ['reading_age', 'label_long', 'hard_words'].includes(p.code)) : [];
    expect(words.filter((p) => /^(welcome|consent|about|notices)\./.test(p.path))).toEqual([]);
  });
});
