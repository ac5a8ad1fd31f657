/** Values the two drivers bind identically. */
export type SqlValue = string | number | null | Uint8Array;

/**
 * Minimal driver surface shared by both engines. SQL is written once with `?` placeholders; the
 * PostgreSQL runner renumbers them to `$1..$n`.
 */
export interface SqlRunner {
  readonly dialect: 'sqlite' | 'postgres';
  /** Rows of a query (or of a statement with RETURNING). */
  all<R>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** Executes a statement and returns the number of affected rows. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}
