import { StoreError } from './errors.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store, StoreOptions } from './store.js';

/**
 * Opens a store from a URL and applies pending migrations.
 *
 * - `postgres://…` or `postgresql://…` → {@link PostgresStore}; a `schema` query parameter (or
 *   `options.schema`) selects the schema, created when missing.
 * - `sqlite:/path/file.db`, `sqlite:///path/file.db`, `sqlite:relative.db` or a plain path →
 *   {@link SqliteStore}.
 */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema');
    parsed.searchParams.delete('schema');
    return PostgresStore.open(parsed.toString(), schema === null ? options : { ...options, schema: options.schema ?? schema });
  }
  const path = sqlitePathOf(url);
  if (path === undefined) {
    throw new StoreError('TLR_ERR_STORE_URL_UNSUPPORTED', `unsupported store URL scheme in ${url.replace(/\/\/[^@/]*@/, '//***@')}`);
  }
  return SqliteStore.open(path, options);
}

/**
 * The file path of a SQLite store URL (`sqlite:/path`, `sqlite:///path`, `sqlite:relative`, a plain
 * path), or undefined for any other scheme (`postgres://…`).
 */
export function sqlitePathOf(url: string): string | undefined {
  if (/^sqlite:/i.test(url)) return url.replace(/^sqlite:(\/\/(?=\/))?/i, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  return url;
}
