/**
 * The shipped place tables (see reference/PROVENANCE.md): IMD 2019 decile and best-fit ward
 * per 2011 LSOA, and the few postcode districts that lie wholly inside one council.
 * Loaded once, synchronously, at start-up: ~100 KB, parsed in a few milliseconds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const REFERENCE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference');

const lsoaCode = z.string().regex(/^E01\d{6}$/, 'a 2011 LSOA code such as E01008881');
const ladCode = z.string().regex(/^E0[6-9]\d{6}$/, 'a local authority code such as E08000025');
const decile = z.coerce.number().int().min(1).max(10);

const imdRowSchema = z.object({
  lsoa_code: lsoaCode,
  lsoa_name: z.string().min(1),
  lad_code: ladCode,
  lad_name: z.string().min(1),
  imd_rank: z.coerce.number().int().min(1).max(32844),
  imd_decile: decile,
});
const wardRowSchema = z.object({
  lsoa_code: lsoaCode,
  lsoa_name: z.string().min(1),
  ward_code: z.string().regex(/^E05\d{6}$/),
  ward_name: z.string().min(1),
  lad_code: ladCode,
  lad_name: z.string().min(1),
  imd_decile: decile,
});
const districtRowSchema = z.object({
  district: z.string().regex(/^[A-Z]{1,2}\d[A-Z\d]?$/),
  council_code: ladCode,
  council_name: z.string().min(1),
});

export interface Ward {
  code: string;
  name: string;
  council: string;
  councilName: string;
}

export interface Council {
  code: string;
  name: string;
}

export interface PlacesReference {
  /** IMD 2019 decile (1 = most deprived 10% in England), or undefined outside the table. */
  imdDecile(lsoa11: string): number | undefined;
  /** ONS best-fit 2019 ward of a 2011 LSOA. */
  wardOf(lsoa11: string): Ward | undefined;
  /** The council a postcode district lies wholly inside, if we are sure of one. */
  councilOfDistrict(district: string): Council | undefined;
  councilName(code: string): string | undefined;
  readonly lsoaCount: number;
  /** Every 2011 LSOA of the area with its decile and ward (the outcomes report's area shares and ward names). */
  areas(): ReadonlyArray<Area>;
}

/** One 2011 LSOA (~1,500 residents): its IMD 2019 decile and best-fit ward. */
export interface Area {
  lsoa: string;
  decile: number;
  ward: Ward;
}

export class ReferenceDataError extends Error {
  readonly code = 'reference_data_invalid';
}

/** Parses a plain CSV (no quoted fields: the shipped files have none) and validates every row. */
export function parseCsv<S extends z.ZodObject>(file: string, text: string, schema: S): z.output<S>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = (lines[0] ?? '').split(',');
  const rows: z.output<S>[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    if (cells.length !== header.length) {
      throw new ReferenceDataError(`${file} line ${i + 1}: expected ${header.length} fields, found ${cells.length}`);
    }
    const parsed = schema.safeParse(Object.fromEntries(header.map((h, j) => [h, cells[j]])));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ReferenceDataError(`${file} line ${i + 1}: ${issue.path.join('.')}: ${issue.message}`);
    }
    rows.push(parsed.data);
  }
  return rows;
}

function read<S extends z.ZodObject>(dir: string, file: string, schema: S): z.output<S>[] {
  return parseCsv(file, readFileSync(path.join(dir, file), 'utf8'), schema);
}

export function loadPlacesReference(dir = REFERENCE_DIR): PlacesReference {
  const deciles = new Map<string, number>();
  const councils = new Map<string, string>();
  for (const r of read(dir, 'imd2019_birmingham_solihull.csv', imdRowSchema)) {
    deciles.set(r.lsoa_code, r.imd_decile);
    councils.set(r.lad_code, r.lad_name);
  }
  const wards = new Map<string, Ward>();
  for (const r of read(dir, 'lsoa11_ward2019_birmingham_solihull.csv', wardRowSchema)) {
    wards.set(r.lsoa_code, { code: r.ward_code, name: r.ward_name, council: r.lad_code, councilName: r.lad_name });
  }
  const areas: Area[] = [];
  for (const [lsoa, lsoaDecile] of deciles) {
    const ward = wards.get(lsoa);
    if (ward) areas.push({ lsoa, decile: lsoaDecile, ward });
  }
  const districts = new Map<string, Council>();
  for (const r of read(dir, 'postcode_districts.csv', districtRowSchema)) {
    districts.set(r.district, { code: r.council_code, name: r.council_name });
  }
  return {
    imdDecile: (lsoa11) => deciles.get(lsoa11),
    wardOf: (lsoa11) => wards.get(lsoa11),
    councilOfDistrict: (district) => districts.get(district.toUpperCase()),
    councilName: (code) => councils.get(code),
    lsoaCount: deciles.size,
    areas: () => areas,
  };
}

let shared: PlacesReference | undefined;

/** The shipped tables, loaded on first use. */
export function placesReference(): PlacesReference {
  shared ??= loadPlacesReference();
  return shared;
}
