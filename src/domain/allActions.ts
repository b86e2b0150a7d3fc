import type { Config } from '../config.ts';
import type { DomainAction } from '../engine/actions.ts';

/** Every domain action flows may call, built from the configuration. */
export async function allActions(_config: Config): Promise<DomainAction[]> {
  return [];
}
