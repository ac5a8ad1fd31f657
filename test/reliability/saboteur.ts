/**
 * The gateway's database as a second client sees it, to make it refuse data, fail commits or be
 * unavailable for a while: real triggers and locks, no mock of the store.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { pgUrl } from '../gateway/harness.js';

/** The database, as a second client sees it: to make it refuse data or be unavailable for a while. */
export interface Saboteur {
  /** From now on the database refuses (permanently) any order whose data holds `marker`. */
  refuseOrdersWith(marker: string): Promise<void>;
  /**
   * From now on the COMMIT of any transaction that journals a message whose MSH-10 contains `marker`
   * fails: a deferred constraint, checked by the database at commit time only.
   */
  failCommitsOf(marker: string): Promise<void>;
  /** Makes writes fail with a condition of the database itself (busy, full) until `release`. */
  makeUnavailable(): Promise<void>;
  release(): Promise<void>;
  close(): Promise<void>;
}

export async function sqliteSaboteur(file: string): Promise<Saboteur> {
  const db = new Database(file);
  return {
    async refuseOrdersWith(marker) {
      db.exec(
        `CREATE TRIGGER refuse_${marker} BEFORE INSERT ON orders WHEN NEW.data LIKE '%${marker}%' BEGIN SELECT RAISE(ABORT, ` +
          `'order refused by the database'); END`,
      );
    },
    async failCommitsOf(marker) {
      db.exec(`CREATE TABLE IF NOT EXISTS commit_guard_parent (id INTEGER PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS commit_guard (parent INTEGER REFERENCES commit_guard_parent (id) DEFERRABLE INITIALLY DEFERRED);
        CREATE TRIGGER fail_commit_${marker} AFTER INSERT ON messages WHEN NEW.control_id LIKE '%${marker}%'
        BEGIN INSERT INTO commit_guard (parent) VALUES (-1); END;`);
    },
    // Another process holding the write lock past the busy timeout: SQLITE_BUSY.
    async makeUnavailable() {
      db.exec('BEGIN EXCLUSIVE');
    },
    async release() {
      db.exec('COMMIT');
    },
    async close() {
      db.close();
    },
  };
}

export async function postgresSaboteur(schema: string): Promise<Saboteur> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  return {
    async refuseOrdersWith(marker) {
      await client.query(
        `CREATE FUNCTION ${schema}.refuse_${marker.toLowerCase()}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.data::text LIKE '%${marker}%' THEN RAISE EXCEPTION 'order refused by the database' USING ERRCODE = ` +
          `'22023'; END IF; RETURN NEW; END $$`,
      );
      await client.query(
        `CREATE TRIGGER refuse_${marker.toLowerCase()} BEFORE INSERT ON ${schema}.orders FOR EACH ROW EXECUTE FUNCTION ` +
          `${schema}.refuse_${marker.toLowerCase()}()`,
      );
    },
    async failCommitsOf(marker) {
      const name = `fail_commit_${marker.toLowerCase()}`;
      await client.query(`CREATE FUNCTION ${schema}.${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused at commit' USING ERRCODE = '23514'; END $$`);
      await client.query(`CREATE CONSTRAINT TRIGGER ${name} AFTER INSERT ON ${schema}.messages DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN (NEW.control_id LIKE '%${marker}%') EXECUTE FUNCTION ${schema}.${name}()`);
    },
    // SQLSTATE 53100 disk_full, as PostgreSQL raises it when it cannot extend a file.
    async makeUnavailable() {
      await client.query(`CREATE FUNCTION ${schema}.disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$`);
      await client.query(
        `CREATE TRIGGER disk_full BEFORE INSERT ON ${schema}.messages FOR EACH ROW EXECUTE FUNCTION ${schema}.disk_full()`,
      );
    },
    async release() {
      await client.query(`DROP TRIGGER disk_full ON ${schema}.messages`);
    },
    async close() {
      await client.end();
    },
  };
}
