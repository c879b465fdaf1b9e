/**
 * The part of a synchronous SQLite handle we use. Node's `DatabaseSync` (node:sqlite) fits it; the
 * type is structural so that a consumer's `@types/node` version does not matter.
 */
export interface SqliteDatabase {
  exec(sql: string): unknown
  prepare(sql: string): SqliteStatement
}

export type SqliteValue = string | number | bigint | null

export interface SqliteStatement {
  get(...params: SqliteValue[]): unknown
  all(...params: SqliteValue[]): unknown[]
  run(...params: SqliteValue[]): unknown
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Table names are interpolated into SQL, so only plain identifiers are accepted. */
export function assertTableName(name: string, option: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new TypeError(
      `${option} must be a plain SQL identifier (letters, digits, underscore), got ${JSON.stringify(name)}`,
    )
  }
}

/**
 * WAL lets readers in other processes run while one process writes; the busy timeout makes a
 * writer wait for a lock held by another process instead of failing with SQLITE_BUSY. In WAL mode
 * `synchronous = NORMAL` cannot corrupt the file and survives a process crash; it skips an fsync per
 * write, which is most of a write's cost (an OS crash may lose the last moments of writes).
 */
export function enableConcurrentAccess(db: SqliteDatabase): void {
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = NORMAL')
  db.exec('PRAGMA busy_timeout = 5000')
}
