import { createHash } from 'node:crypto';
import type { FlowFiles } from '../flowFiles.ts';

/** Content hash of a whole file set (paths and texts, in path order): same files, same hash. */
export function filesHash(files: FlowFiles): string {
  const h = createHash('sha256');
  for (const p of Object.keys(files).sort()) h.update(`${p}\0${files[p]}\0`);
  return h.digest('hex');
}
