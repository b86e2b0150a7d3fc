import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Draft } from '../../../src/studio/ports.ts';
import { studioApp, type StudioApp } from '../flows/studioApp.ts';
import { TEST_CSRF } from '../flows/testGuard.ts';

const EN = 'locales/en/journey.json';
const UR = 'locales/ur/journey.json';

/** The table row of one text key in the page's HTML. */
function rowOf(page: string, key: string): string {
  const row = page.split('<tr>').find((r) => r.includes(`<code>${key}</code>`));
  if (!row) throw new Error(`no row for ${key}`);
  return row.split('</tr>')[0]!;
}
/** The cells of a row (English first, then the others as the header orders them). */
const cellsOf = (row: string) => row.split('<td').slice(1);
/** The page's language columns: in the registry's order (src/languages.ts), each by its English name there. */
const COLUMNS = [
  ['en', 'English'],
  ['ur', 'Urdu'],
  ['pa', 'Panjabi'],
  ['bn', 'Bengali'],
  ['ar', 'Arabic'],
  ['ro', 'Romanian'],
  ['pl', 'Polish'],
  ['so', 'Somali'],
] as const;
type Code = (typeof COLUMNS)[number][0];
const HEADER = `<thead><tr><th scope="col">Text</th>${COLUMNS.map(([code, name]) => `<th scope="col">${name} (${code})</th>`).join('')}</tr></thead>`;
/** The cell of one language in a row, found by its column and checked to be that language's. */
function cellOf(row: string, lang: Code): string {
  const cells = cellsOf(row);
  if (cells.length !== COLUMNS.length) throw new Error(`${cells.length} cells, not ${COLUMNS.length}`);
  const cell = cells[COLUMNS.findIndex(([code]) => code === lang)]!;
  if (!cell.includes(` lang="${lang}" `)) throw new Error(`the ${lang} column holds another language: ${cell.slice(0, 200)}`);
  return cell;
}

describe('studio wording view', () => {
  let s: StudioApp;
  beforeAll(async () => {
    s = await studioApp();
  });
  afterAll(async () => {
    await s?.close();
  });

  const get = async (role: string, query = '') => {
    const res = await fetch(`${s.base}/studio/wording${query}`, { headers: { 'x-test-staff': role } });
    return { status: res.status, text: await res.text() };
  };
  const draft = async () => (await s.api<Draft>('viewer', 'GET', '/draft')).body;
  /** The words of the page's error notice at a redirect's address (undefined: none). */
  const noticeAt = async (location: string) => {
    const text = await (await fetch(`${s.base}${location}`, { headers: { 'x-test-staff': 'translator' } })).text();
    return /<div role="alert" class="notice error"><p>([^<]*)<\/p><\/div>/.exec(text)?.[1];
  };
  const save = async (role: string, files: Record<string, string>) => {
    const { revision } = await draft();
    const r = await s.api(role, 'PUT', '/draft/files', { revision, files });
    if (r.status !== 200) throw new Error(`save as ${role}: ${r.status}`);
  };
  const post = async (role: string, fields: Record<string, string>, query = '') => {
    const res = await fetch(`${s.base}/studio/wording${query}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'x-test-staff': role, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, location: res.headers.get('location') ?? '' };
  };

  it('shows every text of a file in rows, one column per language, with where it is used', async () => {
    const res = await get('viewer', '?namespace=journey');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Wording</h1>');
    expect(res.text).toContain('aria-current="page">Wording');
    expect(res.text).toContain(HEADER);
    const goodbye = rowOf((await get('viewer', '?namespace=journey&q=goodbye')).text, 'journey.goodbye');
    expect(goodbye).toContain('Used in main › done');
    expect(goodbye).toContain('Thank you for talking to me.');
    const finish = rowOf(res.text, 'journey.finish');
    expect(finish).toContain('Not used by a flow step');
    expect(finish).toContain('Finish for now');
    expect(cellOf(finish, 'ur')).toContain('ابھی کے لیے ختم کریں');
    expect(cellOf(finish, 'ar')).toContain('أنهي الآن');
    expect(cellOf(finish, 'so')).toContain('Hadda jooji');
    // A viewer reads: no form, no text boxes.
    expect(res.text).not.toContain('<textarea');
    expect(res.text).not.toContain('<code>welcome.greeting</code>');
  });

  it('gives editors a labelled text box per language, Urdu and Arabic right to left, lists one item per line', async () => {
    const res = await get('translator', '?namespace=journey&q=administration');
    expect(res.text).toContain(HEADER);
    const row = rowOf(res.text, 'journey.family.administrationWords');
    const boxes = COLUMNS.map(([code, name]) => {
      const m = new RegExp(`<label for="(r\\d+-${code})">${name} \\(one per line\\)</label>\\s*<textarea id="\\1"[^>]* lang="${code}" dir="(ltr|rtl)"`).exec(cellOf(row, code));
      return [code, m?.[2]];
    });
    expect(boxes).toEqual([
      ['en', 'ltr'],
      ['ur', 'rtl'],
      ['pa', 'ltr'],
      ['bn', 'ltr'],
      ['ar', 'rtl'],
      ['ro', 'ltr'],
      ['pl', 'ltr'],
      ['so', 'ltr'],
    ]);
    expect(cellOf(row, 'en')).toContain('admin\noffice\nclerical\nreceptionist\nward clerk</textarea>');
    expect(cellOf(row, 'ur')).toContain('ایڈمن\nدفتر\nریسیپشن</textarea>');
    expect(res.text).toContain(`name="csrf" value="${TEST_CSRF}"`);
    expect(res.text).toContain('name="revision" value="0"');
  });

  it('marks a missing translation, placeholders that differ and a hard English text, in words', async () => {
    const ur = JSON.parse((await draft()).files[UR]!) as { journey: Record<string, unknown> };
    delete ur.journey['finish'];
    ur.journey['waitlisted'] = 'یہ کورس بھر گیا ہے۔';
    const en = (await draft()).files[EN]!.replace('"Finish for now"', '"Conclude the administrative consultation procedure notwithstanding unprocessed eligibility determinations"');
    await save('coordinator', { [UR]: `${JSON.stringify(ur, null, 2)}\n`, [EN]: en });

    const missing = await get('translator', '?status=missing');
    const finish = rowOf(missing.text, 'journey.finish');
    expect(cellOf(finish, 'ur')).toContain('<strong class="flag">missing</strong>');
    expect(cellOf(finish, 'ar')).not.toContain('<strong class="flag">missing</strong>');
    expect(cellOf(finish, 'en')).toMatch(/<strong class="flag">hard to read: reading grade [\d.]+, above 4<\/strong>/);
    expect(missing.text).not.toContain('<code>journey.seeJobs</code>');

    const problems = await get('translator', '?status=outdated');
    expect(cellOf(rowOf(problems.text, 'journey.waitlisted'), 'ur')).toContain('placeholders differ from the English');
    expect(problems.text).not.toContain('<code>journey.seeJobs</code>');
    expect(cellOf(rowOf((await get('translator', '?q=See%20jobs')).text, 'journey.seeJobs'), 'ur')).toContain('<p id="r1-ur-status" class="flags">ok</p>');
  });

  it('marks a translation out of date when the English changed in a later release, until it is translated again', async () => {
    await s.api('coordinator', 'POST', '/draft/discard', { revision: (await draft()).revision });
    const live = await s.releases.live();
    const published = await s.releases.publish({ ...live.files, [EN]: live.files[EN]!.replace('"See jobs I could apply for"', '"See the jobs I can apply for"') }, { source: 'studio', by: 'coordinator@example.org', note: 'wording' });
    expect(published.ok).toBe(true);

    const before = await get('translator', '?status=outdated');
    // Every translation was written against the old English.
    const beforeRow = rowOf(before.text, 'journey.seeJobs');
    for (const [code] of COLUMNS.slice(1)) {
      expect(cellOf(beforeRow, code)).toContain('out of date: the English changed after this was translated');
      expect(cellOf(beforeRow, code)).toMatch(/^ class="flagged">/);
    }
    expect(cellOf(beforeRow, 'en')).not.toContain('out of date');
    expect(before.text).not.toContain('<code>journey.finish</code>');

    const { revision } = await draft();
    const saved = await post('translator', { csrf: TEST_CSRF, revision: String(revision), 't:ur:journey:journey.seeJobs': 'وہ نوکریاں دیکھیں جن کے لیے میں درخواست دے سکتا ہوں' }, '?status=outdated');
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/studio/wording?status=outdated&saved=1');
    const after = await get('translator', '?status=outdated&saved=1');
    expect(after.text).toContain('<p role="status" class="notice">Saved 1 text in the draft.</p>');
    // Urdu is up to date again; the row stays listed for the six languages not translated again yet.
    const afterRow = rowOf(after.text, 'journey.seeJobs');
    expect(cellOf(afterRow, 'ur')).toMatch(/^>/);
    expect(cellOf(afterRow, 'ur')).toContain('<p id="r1-ur-status" class="flags">ok</p>');
    for (const [code] of COLUMNS.filter(([c]) => c !== 'en' && c !== 'ur')) expect(cellOf(afterRow, code)).toContain('out of date: the English changed after this was translated');
  });

  it('writes a changed translation into the draft JSON, changing only that key and keeping the format', async () => {
    const d0 = await draft();
    const res = await post('translator', { csrf: TEST_CSRF, revision: String(d0.revision), 't:ur:journey:journey.finish': 'ختم', 't:en:journey:journey.finish': 'Finish for now' });
    expect(res.status).toBe(303);
    const d1 = await draft();
    expect(d1.revision).toBe(d0.revision + 1);
    const beforeLines = d0.files[UR]!.split('\n');
    const afterLines = d1.files[UR]!.split('\n');
    expect(afterLines.length).toBe(beforeLines.length);
    const differing = afterLines.map((l, i) => [beforeLines[i], l]).filter(([a, b]) => a !== b);
    expect(differing).toEqual([['    "finish": "ابھی کے لیے ختم کریں",', '    "finish": "ختم",']]);
    expect(d1.files[EN]).toBe(d0.files[EN]);
    expect(s.guard.audits.at(-1)).toMatchObject({ action: 'wording.save', detail: { texts: 1, paths: [UR] } });
    expect(JSON.stringify(s.guard.audits)).not.toContain('ختم');
  });

  it('puts a new translation where the English has the key, and saves a list one item per line', async () => {
    const d0 = await draft();
    const ur = JSON.parse(d0.files[UR]!) as { journey: Record<string, unknown> };
    delete ur.journey['finish'];
    await save('coordinator', { [UR]: `${JSON.stringify(ur, null, 2)}\n` });
    const { revision } = await draft();
    const res = await post('translator', {
      csrf: TEST_CSRF,
      revision: String(revision),
      't:ur:journey:journey.finish': 'ختم کریں',
      't:ur:journey:journey.family.administrationWords': 'دفتر\r\n\r\n  ایڈمن \r\n',
    });
    expect(res.location).toMatch(/saved=2$/);
    const text = (await draft()).files[UR]!;
    const keys = Object.keys((JSON.parse(text) as { journey: Record<string, unknown> }).journey);
    expect(keys.slice(keys.indexOf('seeJobs'), keys.indexOf('seeJobs') + 3)).toEqual(['seeJobs', 'finish', 'noSessions']);
    expect((JSON.parse(text) as { journey: { family: Record<string, unknown> } }).journey.family['administrationWords']).toEqual(['دفتر', 'ایڈمن']);
    expect(text).toContain('\n      "administrationWords": [\n        "دفتر",\n        "ایڈمن"\n      ],\n');
  });

  it('merges a save with one made meanwhile: other texts are kept, the same text changed twice is a conflict', async () => {
    // Two translators open the same page; the form carries what each box showed.
    const page = await get('translator', '?namespace=journey');
    const shown = Object.fromEntries([...page.text.matchAll(/<input type="hidden" name="(h:[^"]+)" value="([^"]+)">/g)].map((m) => [m[1]!, m[2]!]));
    const revision = /name="revision" value="(\d+)"/.exec(page.text)![1]!;
    expect(Object.keys(shown)).toEqual(expect.arrayContaining(['h:ur:journey:journey.finish', 'h:ur:journey:journey.seeJobs', 'h:en:journey:journey.finish']));
    expect(Object.keys(shown)).not.toContain('h:ur:journey:journey.goodbye');
    const form = { csrf: TEST_CSRF, revision, ...shown, 't:en:journey:journey.finish': 'Finish for now', 't:ur:journey:journey.finish': 'ختم', 't:ur:journey:journey.seeJobs': 'نوکریاں دیکھیں' };
    // Meanwhile someone else changes one of the same texts (finish in Urdu) and one this page does not show.
    const other = await post('coordinator', { csrf: TEST_CSRF, revision, ...shown, 't:ur:journey:journey.finish': 'بس', 't:ur:journey:journey.goodbye': 'شکریہ' });
    expect(other.location).toMatch(/saved=2$/);
    const mine = await post('translator', form, '?namespace=journey');
    expect(mine.status).toBe(303);
    expect(decodeURIComponent(mine.location)).toBe('/studio/wording?namespace=journey&saved=1&conflicts=ur:journey:journey.finish');
    const ur = (JSON.parse((await draft()).files[UR]!) as { journey: Record<string, unknown> }).journey;
    expect([ur['finish'], ur['goodbye'], ur['seeJobs']]).toEqual(['بس', 'شکریہ', 'نوکریاں دیکھیں']);
    const after = await get('translator', `?${new URL(mine.location, s.base).searchParams.toString()}`);
    expect(after.text).toContain('<p role="status" class="notice">Saved 1 text in the draft.</p>');
    expect(after.text).toContain('Not saved, because someone else changed the same text while you were editing: journey.finish (Urdu).');
  });

  it('refuses viewers (403), a form without what it showed on an old revision, a key the draft lacks and an emptied text', async () => {
    const { revision } = await draft();
    expect((await post('viewer', { csrf: TEST_CSRF, revision: String(revision), 't:ur:journey:journey.finish': 'x' })).status).toBe(403);
    const stale = await post('translator', { csrf: TEST_CSRF, revision: String(revision - 1), 't:ur:journey:journey.finish': 'x' }, '?namespace=journey');
    expect(decodeURIComponent(stale.location)).toBe('/studio/wording?namespace=journey&saved=0&conflicts=ur:journey:journey.finish');
    const unknown = await post('translator', { csrf: TEST_CSRF, revision: String(revision), 't:ur:journey:journey.nothing': 'x' });
    expect(unknown.location).toBe('/studio/wording?invalid=unknownText');
    expect(await noticeAt(unknown.location)).toBe('Not saved: the form named a text the draft does not have (it may have been removed from the draft meanwhile). Reload the page and make your changes again.');
    const emptied = await post('translator', { csrf: TEST_CSRF, revision: String(revision), 't:ur:journey:journey.finish': '' });
    expect(decodeURIComponent(emptied.location)).toBe('/studio/wording?invalid=emptyText&text=ur:journey:journey.finish');
    expect(await noticeAt(emptied.location)).toBe('Not saved: journey.finish in Urdu cannot be empty (to remove a text, edit the file in the flow editor).');
    const badRevision = await post('translator', { csrf: TEST_CSRF, revision: 'abc' });
    expect(badRevision.status).toBe(303);
    expect(badRevision.location).toBe('/studio/wording?invalid=form');
    expect(await noticeAt(badRevision.location)).toBe('Not saved: the form was incomplete, or a text was longer than 1 MB. Reload the page and try again.');
    expect((await draft()).revision).toBe(revision);
  });

  it('a crafted link cannot put words of its own on the page: only codes and texts the draft has are shown', async () => {
    const said = 'Your session expired: sign in again at evil.example';
    expect(await noticeAt(`/studio/wording?invalid=${encodeURIComponent(said)}`)).toBeUndefined();
    const conflicts = await get('translator', `?saved=1&conflicts=${encodeURIComponent(`ur:journey:journey.finish,ur:journey:evil_example_dot_com,${said}`)}`);
    expect(conflicts.text).toContain('Not saved, because someone else changed the same text while you were editing: journey.finish (Urdu).');
    expect(conflicts.text).not.toContain('evil');
    const onlyFake = await get('translator', '?saved=0&conflicts=ur:journey:call_0800_scam');
    expect(onlyFake.text).toContain('Nothing saved.');
    expect(onlyFake.text).not.toContain('call_0800_scam');
    expect(await noticeAt('/studio/wording?invalid=emptyText&text=ur:journey:call_0800_scam')).toBe('Not saved: a text cannot be empty (to remove a text, edit the file in the flow editor).');
  });

  it('a reverted English change leaves the translation up to date again; the page explains the rule and its limit', async () => {
    await s.api('coordinator', 'POST', '/draft/discard', { revision: (await draft()).revision });
    const before = await s.releases.live();
    const changed = await s.releases.publish(
      { ...before.files, [EN]: before.files[EN]!.replace('"Finish for now"', '"Stop here for now"') },
      { source: 'studio', by: 'coordinator@example.org', note: 'wording' },
    );
    expect(changed.ok).toBe(true);
    expect(cellOf(rowOf((await get('translator', '?status=outdated')).text, 'journey.finish'), 'ur')).toContain('out of date');
    const reverted = await s.releases.publish(before.files, { source: 'revert', by: 'coordinator@example.org', note: 'revert', revertOf: before.id });
    expect(reverted.ok).toBe(true);
    const after = await get('translator', '?namespace=journey&q=finish');
    expect(cellOf(rowOf(after.text, 'journey.finish'), 'ur')).not.toContain('out of date');
    expect(after.text).toContain('A translation changed in the same draft as its English counts as written for the new English');
  });

  it('filters by flow and by text, and pages long lists', async () => {
    const main = await get('viewer', '?flow=main');
    expect([...main.text.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1])).toEqual(['about.ageQuestion', 'journey.goodbye']);
    const commands = await get('viewer', '?flow=commands');
    expect(rowOf(commands.text, 'commands.help.phrases')).toContain('Used in command help');
    const search = await get('viewer', '?q=waiting%20list');
    expect(search.text).toContain('<code>journey.waitlisted</code>');
    expect(search.text).toMatch(/1 text match|\d+ texts match/);
    const all = await get('viewer', '');
    expect(all.text).toContain('Page 1 of');
    expect(all.text).toContain('Next page</a>');
  });

  it('shows each translation\'s status in words and the counts per language; the review tick saves the status into the draft', async () => {
    await s.api('coordinator', 'POST', '/draft/discard', { revision: (await draft()).revision });
    const STATUS = 'locales/ur/_status.json';
    const page = await get('translator', '?namespace=journey&q=finish');
    const en = cellOf(rowOf(page.text, 'journey.finish'), 'en');
    const ur = cellOf(rowOf(page.text, 'journey.finish'), 'ur');
    expect(ur).toContain('Translation: <strong>needs review</strong>');
    expect(ur).toMatch(/<input type="checkbox" id="(r\d+-ur-reviewed)" name="r:ur:journey:journey.finish" value="1"> <label for="\1">Reviewed by a fluent speaker<\/label>/);
    expect(en).not.toContain('Reviewed by a fluent speaker');
    expect(page.text).toMatch(/<caption>Translation status per language<\/caption>[\s\S]*<th scope="row">Urdu \(ur\)<\/th><td>(\d+)<\/td><td>0<\/td><td>\1<\/td><td>0<\/td><td>0<\/td>/);
    const counted = [...(/<table class="counts">[\s\S]*?<\/table>/.exec(page.text)?.[0] ?? '').matchAll(/<th scope="row">([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(counted).toEqual(COLUMNS.map(([code, name]) => `${name} (${code})`));

    // Ticked without changing the text: reviewed.
    const d0 = await draft();
    const shown = (lang: string, key: string) => ({ [`rs:${lang}:journey:${key}`]: 'needs-review' });
    const finish = JSON.parse(d0.files[UR]!).journey.finish as string;
    await post('translator', { csrf: TEST_CSRF, revision: String(d0.revision), 't:ur:journey:journey.finish': finish, 'r:ur:journey:journey.finish': '1', ...shown('ur', 'journey.finish') });
    const d1 = await draft();
    expect(JSON.parse(d1.files[STATUS]!)).toEqual({ 'journey.finish': 'reviewed' });
    expect(d1.files[UR]).toBe(d0.files[UR]);
    expect(cellOf(rowOf((await get('viewer', '?namespace=journey&q=finish')).text, 'journey.finish'), 'ur')).toContain('Translation: <strong>reviewed</strong>');

    // Changed without the tick: needs review again, whatever it was.
    await post('translator', { csrf: TEST_CSRF, revision: String(d1.revision), 't:ur:journey:journey.finish': 'ابھی ختم کریں', 'rs:ur:journey:journey.finish': 'reviewed' });
    const d2 = await draft();
    expect(JSON.parse(d2.files[STATUS]!)).toEqual({ 'journey.finish': 'needs-review' });
    expect(JSON.parse(d2.files[UR]!).journey.finish).toBe('ابھی ختم کریں');
    // Filter: texts not reviewed yet.
    expect((await get('viewer', '?namespace=journey&status=review')).text).toContain('<code>journey.finish</code>');
    await s.api('coordinator', 'POST', '/draft/discard', { revision: (await draft()).revision });
  });
});
