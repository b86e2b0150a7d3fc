import { loadYamlFile } from '../shared/yamlFile.ts';
import { programmesFileSchema, type Programme } from './programmeSchema.ts';

/**
 * Reads flows/programmes.yaml (or any file of the same shape). Throws DataFileError (code
 * `data_file_invalid`) whose issues read `file: programmes[1].rules[0].max: message`.
 */
export async function loadProgrammes(file: string): Promise<Programme[]> {
  return (await loadYamlFile(file, programmesFileSchema)).programmes;
}
