import { describedAs, sqliteDescription } from '../shared/description.ts'
import {
  assertTableName,
  enableConcurrentAccess,
  type SqliteDatabase,
} from '../shared/sqliteDatabase.ts'
import { createSqliteSyncQueue } from './syncQueue/sqlite.ts'
import { incrementTtlMs, ttlMs } from './ttl.ts'
import type { ListableStorage, QueueingStorage } from './types.ts'

export interface SqliteStorageOptions {
  /** A node:sqlite `DatabaseSync`, e.g. `new DatabaseSync('.sync-state.db')`. */
  db: SqliteDatabase
  /**
   * Table to keep the entries in (created if missing). Default `better_auth_kv`. The sync queue
   * keeps its tasks in `<table>_queue` and `<table>_records`.
   */
  table?: string
  /** How often, at most, a write also deletes expired rows (ms). Default 60 000. */
  cleanupIntervalMs?: number
}

/**
 * A store in a SQLite file: survives restarts and HMR, no server needed. Each operation is one SQL
 * statement, so `increment` and `getAndDelete` stay atomic even with several processes on one file.
 */
export function createSqliteStorage(
  options: SqliteStorageOptions,
): ListableStorage & QueueingStorage {
  const { db, table = 'better_auth_kv', cleanupIntervalMs = 60_000 } = options
  assertTableName(table, 'createSqliteStorage: table')
  enableConcurrentAccess(db)
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, expires_at INTEGER);
     CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at) WHERE expires_at IS NOT NULL;`,
  )

  // expires_at is epoch ms; NULL never expires. An expired row reads as absent until cleaned up.
  const selectLive = db.prepare(
    `SELECT value FROM ${table} WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)`,
  )
  const upsert = db.prepare(
    `INSERT INTO ${table} (key, value, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  )
  const remove = db.prepare(`DELETE FROM ${table} WHERE key = ?`)
  const take = db.prepare(`DELETE FROM ${table} WHERE key = ? RETURNING value, expires_at`)
  // Expired counters restart at 1 with a fresh window; live ones keep their expiry.
  const incrementRow = db.prepare(
    `INSERT INTO ${table} (key, value, expires_at) VALUES (?1, '1', ?2 + ?3)
     ON CONFLICT (key) DO UPDATE SET
       value = CASE WHEN expires_at IS NOT NULL AND expires_at <= ?2 THEN '1'
                    ELSE CAST(CAST(value AS INTEGER) + 1 AS TEXT) END,
       expires_at = CASE WHEN expires_at IS NOT NULL AND expires_at <= ?2 THEN excluded.expires_at
                         ELSE expires_at END
     RETURNING value`,
  )
  // A prefix as a key range (BINARY collation orders UTF-8 by code point), so the primary key
  // index serves it and `%`/`_` in a prefix mean nothing.
  const keysInRange = db.prepare(
    `SELECT key FROM ${table} WHERE key >= ? AND key < ? AND (expires_at IS NULL OR expires_at > ?)`,
  )
  const allLiveKeys = db.prepare(
    `SELECT key FROM ${table} WHERE expires_at IS NULL OR expires_at > ?`,
  )
  const removeExpired = db.prepare(
    `DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ?`,
  )

  let lastCleanup = Date.now()
  const cleanupIfDue = (now: number) => {
    if (now - lastCleanup < cleanupIntervalMs) return
    lastCleanup = now
    removeExpired.run(now)
  }

  const storage: ListableStorage & QueueingStorage = {
    syncQueue: createSqliteSyncQueue(db, table),
    async get(key) {
      const row = selectLive.get(key, Date.now()) as { value: string } | undefined
      return row ? row.value : null
    },
    async set(key, value, ttl) {
      const now = Date.now()
      const ms = ttlMs(ttl)
      upsert.run(key, value, ms === null ? null : now + ms)
      cleanupIfDue(now)
    },
    async delete(key) {
      remove.run(key)
    },
    async getAndDelete(key) {
      const row = take.get(key) as { value: string; expires_at: number | null } | undefined
      if (!row || (row.expires_at !== null && row.expires_at <= Date.now())) return null
      return row.value
    },
    async increment(key, ttl) {
      const ms = incrementTtlMs(ttl)
      const now = Date.now()
      const row = incrementRow.get(key, now, ms) as { value: string }
      cleanupIfDue(now)
      return Number(row.value)
    },
    async listKeys(prefix) {
      const now = Date.now()
      const last = prefix.codePointAt(prefix.length - 1)
      const rows = (
        last === undefined
          ? allLiveKeys.all(now)
          : keysInRange.all(
              prefix,
              prefix.slice(0, -(last > 0xffff ? 2 : 1)) + String.fromCodePoint(last + 1),
              now,
            )
      ) as Array<{ key: string }>
      return rows.map((row) => row.key)
    },
  }
  return describedAs(storage, sqliteDescription(db, `table ${table}`))
}
