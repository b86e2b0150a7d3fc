import type { Profile } from './profile.ts';
import type { Programme } from './programmeSchema.ts';
import { decide, type Decision } from './decide.ts';

export interface AllDecisions {
  decisions: Decision[];
  /** Ids of the programmes the person qualifies for now, in file order. */
  eligible: string[];
}

/** Decides every programme, so a "no" can always come with what else fits. */
export function decideAll(profile: Profile, programmes: readonly Programme[], now: Date): AllDecisions {
  const decisions = programmes.map((p) => decide(profile, p, now));
  return { decisions, eligible: decisions.filter((d) => d.eligible).map((d) => d.programme) };
}
