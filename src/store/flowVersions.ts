import { z } from 'zod';
import type { Queryable } from './db.ts';

/**
 * `flow_versions`: the texts each flow version was built from, so a conversation can finish
 * on the version it started on after the files have changed.
 */

/** Stores a version's texts (flow id → YAML) once; a version's texts never change. */
export async function saveFlowVersion(db: Queryable, flowId: string, version: string, texts: Record<string, string>): Promise<void> {
  await db.query(`INSERT INTO flow_versions (flow_id, version, texts) VALUES ($1, $2, $3) ON CONFLICT (flow_id, version) DO NOTHING`, [
    flowId,
    version,
    JSON.stringify(texts),
  ]);
}

const textsSchema = z.record(z.string(), z.string());

export async function findFlowVersionTexts(db: Queryable, flowId: string, version: string): Promise<Record<string, string> | undefined> {
  const { rows } = await db.query<{ texts: unknown }>('SELECT texts FROM flow_versions WHERE flow_id = $1 AND version = $2', [flowId, version]);
  return rows[0] ? textsSchema.parse(rows[0].texts) : undefined;
}
