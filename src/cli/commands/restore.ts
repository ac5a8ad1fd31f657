import type { Command } from 'commander';
import { writeOut } from '../output.js';
import { postgresBackupAdvice } from './backup.js';
import { addStoreLocationOptions, resolveStoreLocation, type StoreLocation, type StoreLocationOptions } from './store-location.js';
import { STORE_ENVIRONMENT, helpSections } from '../help.js';

interface RestoreOptions extends StoreLocationOptions {
  from: string;
  force?: boolean;
  json?: boolean;
}

/**
 * `cisis-tlr restore --from FILE [--config FILE] [--data-dir DIR] [--storage-url URL] [--role R] [--force] [--json]`
 *
 * Puts a backup written by `cisis-tlr backup` in place of the gateway's SQLite database. Refused while
 * a gateway holds the database (stop it first), for a file that is not a cisis-tlr database or has a
 * schema newer than this release, and over an existing database without `--force` (which keeps the
 * old one aside). Exit code 0 when restored, 2 otherwise.
 */
export function registerRestoreCommand(program: Command): Command {
  const command = program
    .command('restore')
    .description("put a backup in place of the gateway's SQLite database (the gateway must be stopped)")
    .requiredOption('--from <file>', 'backup file written by cisis-tlr backup');
  addStoreLocationOptions(command);
  return command
    .option('--force', 'replace an existing database (kept aside as <db>.before-restore-<time>)')
    .option('--json', 'print the result as one JSON object')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'systemctl stop cisis-tlr',
          'cisis-tlr restore --data-dir /var/lib/cisis-tlr --role platform --from /backup/tlr-2025-01-31.db --force',
          'systemctl start cisis-tlr',
        ],
        environment: STORE_ENVIRONMENT,
        notes: 'The next start applies the schema migrations the backup lacks. PostgreSQL stores are restored with pg_restore.',
      }),
    )
    .action(async (o: RestoreOptions) => {
      let location: StoreLocation;
      try {
        location = await resolveStoreLocation(o);
      } catch (e) {
        process.stderr.write(`cisis-tlr restore: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      if (location.engine === 'postgres') {
        process.stderr.write(`${postgresBackupAdvice(location.url, location.schema, o.from)}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const { restoreSqliteDatabase } = await import('../../store/index.js');
        const result = restoreSqliteDatabase(o.from, location.path, { force: o.force === true });
        const version = result.schemaVersions.at(-1) ?? 0;
        await writeOut(
          o.json
            ? `${JSON.stringify(result)}\n`
            : `restored ${result.from} to ${result.path}: ${result.messages} messages, ${result.orders} orders, schema version ${version}` +
                `${version < result.knownSchemaVersion ? ` (migrated to ${result.knownSchemaVersion} at the next start)` : ''}` +
                `${result.previous ? `; the previous database is kept as ${result.previous}` : ''}\n`,
        );
        process.exitCode = 0;
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        process.stderr.write(`cisis-tlr restore: ${(e as Error).message}${typeof code === 'string' ? ` [${code}]` : ''}\n`);
        process.exitCode = 2;
      }
    });
}
