import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** One storage a crash test runs on: a fresh SQLite file or a fresh PostgreSQL schema. */
export interface StorageTarget {
  readonly engine: 'SQLite' | 'PostgreSQL';
  /** `storage.url` of the gateway under test, shared by every restart. */
  readonly url: string;
  /** Working directory of the gateway (data dir). */
  readonly dataDir: string;
  /** Removes the file or drops the schema. */
  dispose(): Promise<void>;
}

/** `postgres://postgres@127.0.0.1:5432/test`; the PostgreSQL runs are skipped without it. */
export const pgUrl = process.env['CISIS_TLR_TEST_PG'] ?? '';
export const pgSkip: string | false = pgUrl === '' ? 'CISIS_TLR_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/test)' : false;

export async function sqliteTarget(label: string): Promise<StorageTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), `cisis-tlr-crash-${label}-`));
  return {
    engine: 'SQLite',
    url: `sqlite:${join(dataDir, 'gateway.db')}`,
    dataDir,
    dispose: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** A schema of its own (`tlr_crash_<label>_<random>`), created by the gateway's migration and dropped at the end. */
export async function postgresTarget(label: string): Promise<StorageTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), `cisis-tlr-crash-${label}-`));
  const schema = `tlr_crash_${label}_${randomBytes(4).toString('hex')}`;
  const url = new URL(pgUrl);
  url.searchParams.set('schema', schema);
  return {
    engine: 'PostgreSQL',
    url: url.toString(),
    dataDir,
    dispose: async () => {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
