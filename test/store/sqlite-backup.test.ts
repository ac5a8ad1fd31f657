import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore, backupSqliteDatabase, inspectSqliteDatabase, restoreSqliteDatabase } from '../../src/store/index.js';
import { SQLITE_MIGRATIONS } from '../../src/store/migrations/sqlite.js';

describe('SQLite backup and restore: what is refused', () => {
  let dir: string;
  let source: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cisis-tlr-backup-'));
    source = join(dir, 'gateway.db');
    await (await SqliteStore.open(source)).close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes a single-file backup (no -wal) holding the schema versions of the source', async () => {
    const out = join(dir, 'one.db');
    const result = await backupSqliteDatabase(source, out);
    assert.deepEqual(
      result.schemaVersions,
      SQLITE_MIGRATIONS.map((m) => m.version),
    );
    assert.equal(new Database(out, { readonly: true }).pragma('journal_mode', { simple: true }), 'delete');
    assert.equal(existsSync(`${out}-wal`), false);
  });

  it('refuses to overwrite an existing backup file unless told to', async () => {
    const out = join(dir, 'twice.db');
    await backupSqliteDatabase(source, out);
    await assert.rejects(backupSqliteDatabase(source, out), { code: 'TLR_ERR_STORE_FILE_EXISTS' });
    await backupSqliteDatabase(source, out, { overwrite: true });
  });

  it('refuses a SQLite database that is not a cisis-tlr database', async () => {
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    assert.throws(() => inspectSqliteDatabase(other), { code: 'TLR_ERR_STORE_NOT_A_BACKUP' });
    assert.throws(() => restoreSqliteDatabase(other, join(dir, 'target-a.db')), { code: 'TLR_ERR_STORE_NOT_A_BACKUP' });
    await assert.rejects(backupSqliteDatabase(other, join(dir, 'other-backup.db')), { code: 'TLR_ERR_STORE_NOT_A_BACKUP' });
  });

  it('refuses a file that is not SQLite at all', async () => {
    const text = join(dir, 'notes.db');
    await writeFile(text, 'MSH|^~\\&|not a database\r'.repeat(200));
    assert.throws(() => restoreSqliteDatabase(text, join(dir, 'target-b.db')), { code: 'TLR_ERR_STORE_NOT_A_BACKUP' });
  });

  it('refuses a backup whose schema is newer than this release', async () => {
    const newer = join(dir, 'newer.db');
    await backupSqliteDatabase(source, newer);
    const db = new Database(newer);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('from the future');
    db.close();
    assert.throws(() => restoreSqliteDatabase(newer, join(dir, 'target-c.db')), { code: 'TLR_ERR_STORE_SCHEMA_TOO_NEW', message: /99/ });
    assert.equal(existsSync(join(dir, 'target-c.db')), false);
  });

  it('refuses a live database (write-ahead log beside it) given as the backup', async () => {
    await (await SqliteStore.open(join(dir, 'live.db'))).close();
    const db = new Database(join(dir, 'live.db'));
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE pending (x); INSERT INTO pending VALUES (1)');
    // Left open on purpose until the assertion: its WAL is not checkpointed.
    try {
      assert.throws(() => restoreSqliteDatabase(join(dir, 'live.db'), join(dir, 'target-d.db')), {
        code: 'TLR_ERR_STORE_NOT_A_BACKUP',
        message: /write-ahead log/,
      });
    } finally {
      db.close();
    }
  });

  it('refuses to restore over a database held by a gateway, and keeps a replaced one aside', async () => {
    const backup = join(dir, 'for-restore.db');
    await backupSqliteDatabase(source, backup);
    const target = join(dir, 'held.db');
    const held = await SqliteStore.open(target, { exclusive: true });
    try {
      assert.throws(() => restoreSqliteDatabase(backup, target, { force: true }), { code: 'TLR_ERR_STORE_LOCKED' });
    } finally {
      await held.close();
    }
    assert.throws(() => restoreSqliteDatabase(backup, target), { code: 'TLR_ERR_STORE_FILE_EXISTS' });
    const result = restoreSqliteDatabase(backup, target, { force: true, now: () => new Date('2025-01-31T10:00:00Z') });
    assert.equal(result.previous, `${target}.before-restore-2025-01-31T10-00-00-000Z`);
    assert.ok(existsSync(result.previous));
    assert.equal(existsSync(`${target}.lock`), false, 'the lock taken by the restore is released');
    await (await SqliteStore.open(target, { exclusive: true })).close();
  });
});
