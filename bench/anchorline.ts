import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { ActionRegistry } from '../src/engine/actions.ts';
import { createEngine } from '../src/engine/createEngine.ts';
import type { Reply } from '../src/engine/reply.ts';
import { makeActionRunner } from '../src/engine/runAction.ts';
import { FlowCatalog } from '../src/flows/catalog.ts';
import type { Engine } from '../src/engine/port.ts';
import type { Db } from '../src/store/db.ts';
import { benchEligibilityAction } from './eligibility.ts';
import type { ScriptTurn } from './script.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = path.join(ROOT, 'bench');

/** What one system answered to one turn, as plain texts (for the correctness check). */
export type TurnTexts = string[];

export interface System {
  name: string;
  turn(conversationId: string, step: ScriptTurn, n: number): Promise<TurnTexts>;
  /** Drop per-conversation objects the driver itself keeps (not the system's state). */
  forget(conversationId: string): void;
}

/**
 * The shipped English and Urdu wording and global commands, plus the benchmark flow and its
 * few extra strings, in a temporary folder (the shipped flows stay untouched).
 */
export function benchFlowDirs(): { flowsDir: string; localesDir: string; cleanup(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'anchorline-bench-'));
  const flowsDir = path.join(root, 'flows');
  const localesDir = path.join(root, 'locales');
  // English and Urdu, as the benchmark flow offers (with one language the language question would
  // answer itself, and the flow would no longer match the peer's dialog turn for turn).
  for (const lng of ['en', 'ur']) {
    cpSync(path.join(ROOT, 'locales', lng), path.join(localesDir, lng), { recursive: true });
    cpSync(path.join(BENCH, 'locales', lng, 'bench.json'), path.join(localesDir, lng, 'bench.json'));
  }
  cpSync(path.join(ROOT, 'flows', 'commands.yaml'), path.join(flowsDir, 'commands.yaml'));
  for (const f of readdirSync(path.join(BENCH, 'flows'))) cpSync(path.join(BENCH, 'flows', f), path.join(flowsDir, f));
  return { flowsDir, localesDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export const replyText = (r: Reply): string => {
  switch (r.type) {
    case 'text':
    case 'choices':
    case 'handoffStatus':
    case 'adviser':
      return r.text;
    case 'card':
      return r.card.fallback;
    case 'typing':
      return '';
    default: {
      const never: never = r;
      return String(never);
    }
  }
};

/** Anchorline's engine on `db`, exactly as main.ts builds it, minus channels. */
export async function anchorlineSystem(db: Db): Promise<System & { engine: Engine; catalog: FlowCatalog; cleanup(): void }> {
  const dirs = benchFlowDirs();
  // Silent: production logs one info line per turn; the peer logs nothing either.
  const logger = pino({ level: 'silent' });
  const registry = new ActionRegistry().register(benchEligibilityAction);
  const catalog = new FlowCatalog({ ...dirs, actions: registry }, db);
  const loaded = await catalog.reload();
  if (!loaded.ok) throw new Error(`bench flow refused: ${JSON.stringify(loaded.problems)}`);
  const engine = createEngine({ db, catalog, logger, runAction: makeActionRunner(registry, 5000, logger), startFlow: 'bench_eligibility', defaultLocale: 'en' });
  return {
    name: 'Anchorline',
    engine,
    catalog,
    async turn(conversationId, step, n) {
      const out = await engine.handleTurn({
        conversationId,
        channel: 'directline',
        activityId: `${conversationId}|${n}`,
        user: { id: `u-${conversationId}` },
        ...(step.text !== undefined ? { text: step.text } : {}),
        ...(step.value !== undefined ? { value: step.value } : {}),
        receivedAt: new Date(),
      });
      return out.replies.map(replyText);
    },
    forget: () => undefined,
    cleanup: dirs.cleanup,
  };
}
