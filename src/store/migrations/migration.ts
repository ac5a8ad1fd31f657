/**
 * One schema migration: applied once, in `version` order, inside a transaction, and recorded in
 * `schema_migrations`. Released migrations are never edited; a change is a new version.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements separated by semicolons at end of line. */
  readonly sql: string;
}
