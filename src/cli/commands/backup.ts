import type { Command } from 'commander';
import { writeOut } from '../output.js';
import {
  addStoreLocationOptions,
  maskedUrl,
  resolveStoreLocation,
  type StoreLocation,
  type StoreLocationOptions,
} from './store-location.js';
import { STORE_ENVIRONMENT, helpSections } from '../help.js';

interface BackupOptions extends StoreLocationOptions {
  out: string;
  force?: boolean;
  json?: boolean;
}

/** The commands an operator runs to back up a PostgreSQL store: `backup` does not do it itself. */
export function postgresBackupAdvice(url: string, schema: string, file: string): string {
  const target = maskedUrl(url);
  return [
    `cisis-tlr backup copies SQLite databases only; this gateway stores in PostgreSQL (schema ${schema}).`,
    "Back it up with PostgreSQL's own tool, which takes a consistent snapshot while the gateways run:",
    `  pg_dump --format=custom --schema=${schema} --file=${file} '${target}'`,
    'and restore it with every instance stopped, after moving the current schema aside:',
    `  psql '${target}' -c 'ALTER SCHEMA ${schema} RENAME TO ${schema}_before_restore'`,
    `  pg_restore --dbname='${target}' ${file}`,
    '(see docs/operations.md, "Backup and restore").',
  ].join('\n');
}

/**
 * `cisis-tlr backup --out FILE [--config FILE] [--data-dir DIR] [--storage-url URL] [--role R] [--force] [--json]`
 *
 * Copies a consistent snapshot of the gateway's SQLite database to FILE, while the gateway runs or not
 * (a separate read-only connection; see `store/sqlite-backup.ts` for why that is safe beside the lock
 * file). Exit code 0 when FILE holds a checked backup, 2 otherwise (and for a PostgreSQL store, whose
 * backup is `pg_dump`'s job: the command prints the one to run).
 */
export function registerBackupCommand(program: Command): Command {
  const command = program
    .command('backup')
    .description("copy a consistent snapshot of the gateway's SQLite database to a file, while the gateway runs")
    .requiredOption('--out <file>', 'backup file to write (refused if it exists, unless --force)');
  addStoreLocationOptions(command);
  return command
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print the result as one JSON object')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr backup --data-dir /var/lib/cisis-tlr --role platform --out /backup/tlr-$(date +%F).db',
          'cisis-tlr backup --config /etc/cisis-tlr/config.yaml --out tlr.db --json',
        ],
        environment: STORE_ENVIRONMENT,
        notes: "Run it on the gateway's host as the gateway's user. PostgreSQL stores are backed up with pg_dump.",
      }),
    )
    .action(async (o: BackupOptions) => {
      let location: StoreLocation;
      try {
        location = await resolveStoreLocation(o);
      } catch (e) {
        process.stderr.write(`cisis-tlr backup: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      if (location.engine === 'postgres') {
        process.stderr.write(`${postgresBackupAdvice(location.url, location.schema, o.out)}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        // Loaded here, not at start-up: `--help` and the other commands must not load the database drivers.
        const { backupSqliteDatabase } = await import('../../store/index.js');
        const result = await backupSqliteDatabase(location.path, o.out, { overwrite: o.force === true });
        await writeOut(
          o.json
            ? `${JSON.stringify(result)}\n`
            : `backup of ${result.source} written to ${result.path}: ${result.bytes} bytes, ` +
                `${result.messages} messages, ${result.orders} orders, ` +
                `schema version ${result.schemaVersions.at(-1) ?? 0}, in ${result.ms} ms\n`,
        );
        process.exitCode = 0;
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        process.stderr.write(`cisis-tlr backup: ${(e as Error).message}${typeof code === 'string' ? ` [${code}]` : ''}\n`);
        process.exitCode = 2;
      }
    });
}
