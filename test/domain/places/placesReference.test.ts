import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlacesReference, parseCsv, REFERENCE_DIR, ReferenceDataError } from '../../../src/domain/places/placesReference.ts';
import { z } from 'zod';

// The hashes published in shared/data/README.md: the shipped copies must be the same bytes.
const PUBLISHED_SHA256 = {
  'imd2019_birmingham_solihull.csv': 'ecafa42ff1c71bcbdc9eb53473f82ae04f7623b0edfd8b9a3c078984886eed69',
  'lsoa11_ward2019_birmingham_solihull.csv': '6f09f49b6045b0685bd3ab1517ec774c0b8dbe6fcd4f3125384f9ec84e1732d9',
};

describe('shipped place reference data', () => {
  it.each(Object.entries(PUBLISHED_SHA256))('%s matches its published SHA-256', (file, sha) => {
    const bytes = readFileSync(path.join(REFERENCE_DIR, file));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
  });

  it('PROVENANCE.md names every shipped file and hash', () => {
    const text = readFileSync(path.join(REFERENCE_DIR, 'PROVENANCE.md'), 'utf8');
    for (const [file, sha] of Object.entries(PUBLISHED_SHA256)) {
      expect(text).toContain(file);
      expect(text).toContain(sha);
    }
    expect(text).toContain('postcode_districts.csv');
  });

  const ref = loadPlacesReference();

  it('has 773 LSOAs: 639 Birmingham and 134 Solihull, with 41% / 12% in decile 1', () => {
    expect(ref.lsoaCount).toBe(773);
    const rows = readFileSync(path.join(REFERENCE_DIR, 'imd2019_birmingham_solihull.csv'), 'utf8').trim().split('\n').slice(1);
    const byCouncil = (code: string) => rows.map((r) => r.split(',')).filter((c) => c[2] === code);
    const bham = byCouncil('E08000025');
    const sol = byCouncil('E08000029');
    expect([bham.length, sol.length]).toEqual([639, 134]);
    const share = (cs: string[][]) => Math.round((100 * cs.filter((c) => ref.imdDecile(c[0]!) === 1).length) / cs.length);
    expect(share(bham)).toBe(41);
    expect(share(sol)).toBe(12);
  });

  it('looks up decile and best-fit ward by 2011 LSOA code', () => {
    expect(ref.imdDecile('E01008882')).toBe(1);
    expect(ref.imdDecile('E01008889')).toBe(2);
    expect(ref.wardOf('E01008881')).toEqual({
      code: 'E05011186',
      name: 'Yardley West & Stechford',
      council: 'E08000025',
      councilName: 'Birmingham',
    });
    expect(ref.imdDecile('E01000001')).toBeUndefined(); // City of London: not in the table
    expect(ref.wardOf('nonsense')).toBeUndefined();
    expect(ref.councilName('E08000029')).toBe('Solihull');
  });

  it('knows districts wholly in one council and refuses the ones that straddle', () => {
    expect(ref.councilOfDistrict('B1')).toEqual({ code: 'E08000025', name: 'Birmingham' });
    expect(ref.councilOfDistrict('b91')).toEqual({ code: 'E08000029', name: 'Solihull' });
    // Sandwell, Bromsgrove/Solihull, Birmingham/Solihull, Warwickshire/Solihull, Tamworth.
    for (const d of ['B66', 'B90', 'B37', 'B94', 'B77', 'B26']) expect(ref.councilOfDistrict(d)).toBeUndefined();
  });
});

describe('parseCsv', () => {
  const schema = z.object({ a: z.string(), n: z.coerce.number().int() });
  it('names the file, line and field of a bad row', () => {
    expect(() => parseCsv('x.csv', 'a,n\nok,1\nbad,x\n', schema)).toThrow(/x\.csv line 3: n:/);
    expect(() => parseCsv('x.csv', 'a,n\nok,1,2\n', schema)).toThrow(ReferenceDataError);
  });
});
