import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { ActionRegistry, defineAction, type DomainAction } from '../../src/engine/actions.ts';
import { createEngine } from '../../src/engine/createEngine.ts';
import { makeActionRunner } from '../../src/engine/runAction.ts';
import { FlowCatalog } from '../../src/flows/catalog.ts';
import type { Db } from '../../src/store/db.ts';

/** A temporary flows folder with the shipped locales and commands, plus the given flow files. */
export function flowDir(files: Record<string, string>): { flowsDir: string; localesDir: string; write(name: string, text: string): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'anchorline-flows-'));
  const flowsDir = path.join(root, 'flows');
  const localesDir = path.join(root, 'locales');
  cpSync('locales', localesDir, { recursive: true });
  cpSync('flows/commands.yaml', path.join(flowsDir, 'commands.yaml'));
  const write = (name: string, text: string) => writeFileSync(path.join(flowsDir, name), text);
  for (const [name, text] of Object.entries(files)) write(name, text);
  return { flowsDir, localesDir, write };
}

export const silent = pino({ level: 'silent' });

/** An action whose behaviour a test controls; it records every call. */
export function controllableAction(name = 'lookup') {
  const calls: unknown[] = [];
  const ctl = { fail: false, delayMs: 0, calls };
  const action = defineAction({
    name,
    description: 'test action',
    params: z.object({ q: z.string() }),
    result: z.object({ found: z.boolean() }),
    run: async (p) => {
      calls.push(p);
      if (ctl.delayMs) await new Promise((r) => setTimeout(r, ctl.delayMs));
      if (ctl.fail) throw new Error('service down');
      return { found: p.q === 'yes' };
    },
  });
  return { ctl, action };
}

export async function engineOn(db: Db, dirs: { flowsDir: string; localesDir: string }, actions: DomainAction[] = [], startFlow = 'main') {
  const registry = new ActionRegistry().register(...actions);
  const catalog = new FlowCatalog({ ...dirs, actions: registry }, db);
  const r = await catalog.reload();
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const engine = createEngine({ db, catalog, logger: silent, startFlow, runAction: makeActionRunner(registry, 1000, silent) });
  let n = 0;
  const send = (conversationId: string, text?: string, value?: unknown, activityId = `a${++n}-${Math.random()}`) =>
    engine.handleTurn({ conversationId, channel: 'test', activityId, user: { id: 'u' }, text, value, receivedAt: new Date() });
  return { engine, catalog, send };
}
