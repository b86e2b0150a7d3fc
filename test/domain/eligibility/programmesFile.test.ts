import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../../src/domain/eligibility/decide.ts';
import { decideAll } from '../../../src/domain/eligibility/decideAll.ts';
import { loadProgrammes } from '../../../src/domain/eligibility/loadProgrammes.ts';
import type { Profile } from '../../../src/domain/eligibility/profile.ts';
import type { Programme } from '../../../src/domain/eligibility/programmeSchema.ts';
import { DataFileError } from '../../../src/domain/shared/yamlFile.ts';

const SHIPPED = path.resolve('flows/programmes.yaml');
// Inside the sample Hospitality to Health cohort (2026-10-01 to 2027-03-31).
const NOW = new Date('2026-11-28T12:00:00Z');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'programmes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('the shipped programmes', () => {
  let programmes: Programme[];
  let h2h: Programme;
  let ican: Programme;
  beforeAll(async () => {
    programmes = await loadProgrammes(SHIPPED);
    h2h = programmes.find((p) => p.id === 'hospitality-to-health')!;
    ican = programmes.find((p) => p.id === 'i-can')!;
  });

  const bhamDecile1: Profile = { council: 'E08000025', councilName: 'Birmingham', ward: 'E05011182', imdDecile: 1, rightToWork: true };

  it('has a hospitality-to-health route and an I Can route', () => {
    expect(programmes.map((p) => p.id)).toEqual(['hospitality-to-health', 'i-can']);
  });

  it('Hospitality to Health: 18+, Birmingham or Solihull, recent hospitality or at risk, right to work', () => {
    const chef: Profile = { ...bhamDecile1, imdDecile: 6, age: 34, hospitalityYearsAgo: 0, employmentStatus: 'employed' };
    expect(decide(chef, h2h, NOW)).toMatchObject({ eligible: true, approximate: false });
    expect(decide({ ...chef, age: 17 }, h2h, NOW).failed.map((r) => r.rule)).toEqual(['age']);
    const sandwell = decide({ ...chef, council: 'E08000028', councilName: 'Sandwell' }, h2h, NOW);
    expect(sandwell.failed).toMatchObject([{ rule: 'council', params: { council: 'Sandwell', allowed: 'Birmingham, Solihull' } }]);
    expect(decide({ ...chef, hospitalityYearsAgo: 4, atRiskOfRedundancy: true }, h2h, NOW).eligible).toBe(true);
    expect(decide({ ...chef, rightToWork: false }, h2h, NOW).failed.map((r) => r.rule)).toEqual(['rightToWork']);
    expect(decide(chef, h2h, new Date('2027-04-01T12:00:00+01:00')).failed.map((r) => r.rule)).toEqual(['cohort']);
  });

  it.each([
    // age, work situation, eligible for I Can
    [15, 'unemployed', false],
    [16, 'notWorking', true],
    [17, 'notWorking', true],
    [18, 'notWorking', true],
    [24, 'notWorking', true],
    [25, 'notWorking', false],
    [25, 'unemployed', true],
    [19, 'inEducation', false],
    [40, 'employed', false],
  ] as const)('I Can: aged %i and %s → eligible %s', (age, employmentStatus, eligible) => {
    expect(decide({ ...bhamDecile1, age, employmentStatus }, ican, NOW).eligible).toBe(eligible);
  });

  it('I Can needs a decile 1-2 neighbourhood', () => {
    const d = decide({ ...bhamDecile1, age: 30, employmentStatus: 'unemployed', imdDecile: 3 }, ican, NOW);
    expect(d.failed).toMatchObject([{ rule: 'imdDecile', key: 'eligibility.rule.imdDecile.failed', params: { decile: 3, max: 2 } }]);
  });

  it('decideAll lists the other programmes that fit', () => {
    const both: Profile = { ...bhamDecile1, age: 20, employmentStatus: 'unemployed', hospitalityYearsAgo: 1 };
    expect(decideAll(both, programmes, NOW).eligible).toEqual(['hospitality-to-health', 'i-can']);
    const youngNeet: Profile = { ...bhamDecile1, age: 17, employmentStatus: 'notWorking', hospitalityYearsAgo: null, atRiskOfRedundancy: false };
    const all = decideAll(youngNeet, programmes, NOW);
    expect(all.eligible).toEqual(['i-can']);
    expect(all.decisions[0]!.failed.map((r) => r.rule)).toEqual(['age', 'hospitality']);
  });
});

describe('a programme added in YAML only', () => {
  it('is loaded and decided with no code change', async () => {
    const file = await write(
      'extra.yaml',
      `programmes:
  - id: ladywood-young-people
    name: Ladywood Young People
    summary: A ward pilot for young people.
    cohort: { opens: 2026-11-01, closes: 2026-12-31 }
    rules:
      - { type: age, min: 16, max: 24 }
      - type: ward
        wards: [{ code: E05011151, name: Ladywood }]
      - { type: employmentStatus, allowed: [unemployed, notWorking, inEducation] }
`,
    );
    const [p] = await loadProgrammes(file);
    expect(p!.id).toBe('ladywood-young-people');
    const yes = decide({ age: 19, ward: 'E05011151', wardName: 'Ladywood', employmentStatus: 'inEducation' }, p!, NOW);
    expect(yes).toMatchObject({ eligible: true });
    expect(yes.passed.map((r) => r.rule)).toEqual(['cohort', 'age', 'ward', 'employmentStatus']);
    const no = decide({ age: 19, ward: 'E05011182', wardName: 'Tyseley & Hay Mills', employmentStatus: 'inEducation' }, p!, NOW);
    expect(no.failed).toMatchObject([{ rule: 'ward', params: { ward: 'Tyseley & Hay Mills', allowed: 'Ladywood' } }]);
  });
});

describe('a broken programmes file', () => {
  it('names the file and the path of each problem', async () => {
    const file = await write(
      'broken.yaml',
      `programmes:
  - id: ok
    name: OK
    summary: fine
    rules: [{ type: rightToWork }]
  - id: Bad Id
    name: Bad
    summary: broken
    rules:
      - { type: imdDecile, max: 11 }
      - { type: council, councils: [{ code: Birmingham, name: Birmingham }] }
      - { type: shoeSize, max: 9 }
`,
    );
    const err = await loadProgrammes(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFileError);
    const issues = (err as DataFileError).issues;
    expect(issues.every((i) => i.startsWith(`${file}: programmes[1]`))).toBe(true);
    expect(issues.join('\n')).toContain('programmes[1].id');
    expect(issues.join('\n')).toContain('programmes[1].rules[0]');
    expect(issues.join('\n')).toContain('programmes[1].rules[1]');
    expect(issues.join('\n')).toContain('programmes[1].rules[2].type: Invalid discriminator value');
    expect((err as DataFileError).code).toBe('data_file_invalid');
  });

  it('reports YAML syntax errors with the file name', async () => {
    const file = await write('syntax.yaml', 'programmes:\n  - id: [unclosed\n');
    await expect(loadProgrammes(file)).rejects.toThrow(file);
  });

  it('rejects two programmes with one id', async () => {
    const one = '  - { id: twin, name: T, summary: s, rules: [{ type: rightToWork }] }\n';
    const file = await write('twins.yaml', `programmes:\n${one}${one}`);
    await expect(loadProgrammes(file)).rejects.toThrow(`${file}: programmes[1].id: programme id twin is used twice`);
  });
});
