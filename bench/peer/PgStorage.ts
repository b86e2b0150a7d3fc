import type { Storage, StoreItems } from 'botbuilder';
import type { Db } from '../../src/store/db.ts';

export const PG_STORAGE_DDL = `CREATE TABLE IF NOT EXISTS bf_storage (
  id text PRIMARY KEY,
  doc jsonb NOT NULL,
  etag bigint NOT NULL DEFAULT 1
)`;

export class StorageConflict extends Error {
  readonly code = 'etag_conflict';
}

/**
 * A Bot Framework `Storage` on one jsonb table, written the way the SDK's own
 * CosmosDB and Blob storages are: one read for the keys asked, one upsert per
 * changed key, optimistic concurrency on the eTag unless it is `*`.
 */
export class PgStorage implements Storage {
  constructor(readonly db: Db) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys.length) return {};
    const { rows } = await this.db.query<{ id: string; doc: Record<string, unknown>; etag: number }>(
      'SELECT id, doc, etag FROM bf_storage WHERE id = ANY($1::text[])',
      [keys],
    );
    const items: StoreItems = {};
    for (const r of rows) items[r.id] = { ...r.doc, eTag: String(r.etag) };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(async ([id, item]) => {
        const { eTag, ...doc } = item as { eTag?: string };
        const json = JSON.stringify(doc);
        if (!eTag || eTag === '*') {
          await this.db.query(
            `INSERT INTO bf_storage (id, doc) VALUES ($1, $2::jsonb)
             ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, etag = bf_storage.etag + 1`,
            [id, json],
          );
          return;
        }
        const r = await this.db.query('UPDATE bf_storage SET doc = $2::jsonb, etag = etag + 1 WHERE id = $1 AND etag = $3', [id, json, Number(eTag)]);
        if (r.rowCount === 0) throw new StorageConflict(`Storage: error writing "${id}" due to eTag conflict.`);
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length) await this.db.query('DELETE FROM bf_storage WHERE id = ANY($1::text[])', [keys]);
  }
}
