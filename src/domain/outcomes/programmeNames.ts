import { loadProgrammes } from '../eligibility/loadProgrammes.ts';

/**
 * The programmes' English names by id (flows/programmes.yaml), for the outcomes filters and
 * tables: a coordinator picks "I Can" rather than `ican-hospitality`. Read at each report, so an
 * edit to the file shows without a restart; a file that cannot be read leaves the ids as they are.
 */
export async function programmeNames(file: string): Promise<Record<string, string>> {
  try {
    return Object.fromEntries((await loadProgrammes(file)).map((p) => [p.id, p.name]));
  } catch {
    return {};
  }
}
