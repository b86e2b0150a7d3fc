import { z } from 'zod';
import type { Queryable } from '../db.ts';

export interface PartnerValues {
  id: string;
  name: string;
}

const partnerRow = z.object({ id: z.string(), name: z.string() });

/** The one writer of partners (written from flows/partners.yaml only). */
export const partnersRepo = {
  /** Inserts a partner that does not exist yet; an existing one is left as it is (returns false). */
  async insertIfMissing(tx: Queryable, p: PartnerValues): Promise<boolean> {
    const r = await tx.query(`INSERT INTO partners (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id`, [p.id, p.name]);
    return r.rowCount > 0;
  },

  async update(tx: Queryable, p: PartnerValues): Promise<void> {
    await tx.query(`UPDATE partners SET name = $2, updated_at = now() WHERE id = $1`, [p.id, p.name]);
  },

  /** The stored partners among `ids`; with `lock`, their rows stay locked to the end of the transaction. */
  async byIds(tx: Queryable, ids: string[], opts: { lock?: boolean } = {}): Promise<PartnerValues[]> {
    const { rows } = await tx.query(
      `SELECT id, name FROM partners WHERE id = ANY ($1::text[]) ORDER BY id${opts.lock ? ' FOR NO KEY UPDATE' : ''}`,
      [ids],
    );
    return rows.map((r) => partnerRow.parse(r));
  },
};
