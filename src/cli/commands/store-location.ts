import type { Command } from 'commander';
import type { GatewayConfigInput, Role } from '../../gateway/config.js';

/** The flags by which `backup` and `restore` find the database, as `serve` finds it. */
export interface StoreLocationOptions {
  config?: string;
  dataDir?: string;
  storageUrl?: string;
  role?: string;
}

/** Where a gateway's store is: a SQLite file, or a PostgreSQL URL and schema. */
export type StoreLocation =
  | { readonly engine: 'sqlite'; readonly path: string }
  | { readonly engine: 'postgres'; readonly url: string; readonly schema: string };

/** Adds `--config`, `--data-dir`, `--storage-url` and `--role` with the meaning they have for `serve`. */
export function addStoreLocationOptions(command: Command): Command {
  return command
    .option('--config <file>', 'configuration file of the gateway (YAML or JSON), read as serve reads it')
    .option('--data-dir <dir>', 'data directory of the gateway (default ./cisis-tlr-data)')
    .option(
      '--storage-url <url>',
      'storage URL (sqlite:/path/file.db or postgres://…); default: the SQLite file of the role in the data directory',
    )
    .option('--role <role>', 'ris or platform: names the default database file cisis-tlr-<role>.db (default: from the config, else ris)');
}

/** The environment variables that say where the store is, as `serve` reads them; the only ones `backup` and `restore` read. */
export const STORE_LOCATION_VARIABLES = ['CISIS_TLR_STORAGE_URL', 'CISIS_TLR_DATA_DIR', 'CISIS_TLR_ROLE'] as const;

/** Those of {@link STORE_LOCATION_VARIABLES} that are set: a variable of another option cannot make a backup fail. */
function storeEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of STORE_LOCATION_VARIABLES) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

/**
 * Resolves the store from the same sources as `serve`: defaults ← configuration file ← environment
 * ({@link STORE_LOCATION_VARIABLES}) ← flags.
 */
export async function resolveStoreLocation(o: StoreLocationOptions): Promise<StoreLocation> {
  if (o.role !== undefined && o.role !== 'ris' && o.role !== 'platform') throw new Error(`--role must be ris or platform, got "${o.role}"`);
  const overrides: GatewayConfigInput = {};
  if (o.role) overrides.role = o.role as Role;
  if (o.dataDir) overrides.dataDir = o.dataDir;
  if (o.storageUrl) overrides.storage = { url: o.storageUrl };
  const [{ loadConfig }, { sqlitePathOf }] = await Promise.all([import('../../gateway/config.js'), import('../../store/index.js')]);
  const config = await loadConfig({
    file: o.config,
    overrides,
    defaultRole: (o.role as Role | undefined) ?? 'ris',
    env: storeEnvironment(),
  });
  const path = sqlitePathOf(config.storage.url);
  if (path !== undefined) return { engine: 'sqlite', path };
  const url = new URL(config.storage.url);
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  return { engine: 'postgres', url: url.toString(), schema };
}

/** A PostgreSQL URL with its password masked, for messages. */
export function maskedUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
