import type { SqliteDatabase } from '../../shared/sqliteDatabase.ts'
import type { SyncQueueStore } from '../types.ts'

/**
 * The sync queue in SQLite, next to the storage's table: `<table>_queue` (one row per group, its
 * AUTOINCREMENT id the task's version, indexed by due time) and `<table>_records`. Each method is
 * one statement, so it stays atomic with several processes on one file.
 */
/** Whether a statement changed exactly one row. */
const changed = (result: unknown) => Number((result as { changes: number | bigint }).changes) === 1

export function createSqliteSyncQueue(db: SqliteDatabase, table: string): SyncQueueStore {
  const queue = `${table}_queue`
  const records = `${table}_records`
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${queue} (
       version INTEGER PRIMARY KEY AUTOINCREMENT, grp TEXT NOT NULL UNIQUE,
       task TEXT NOT NULL, not_before INTEGER NOT NULL);
     CREATE INDEX IF NOT EXISTS ${queue}_due ON ${queue} (not_before);
     CREATE TABLE IF NOT EXISTS ${records} (
       kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER NOT NULL,
       PRIMARY KEY (kind, id));
     CREATE INDEX IF NOT EXISTS ${records}_expiry ON ${records} (kind, expires_at);`,
  )
  // REPLACE deletes the group's row and inserts a new one: a fresh AUTOINCREMENT id, never reused.
  const put = db.prepare(
    `INSERT OR REPLACE INTO ${queue} (grp, task, not_before) VALUES (?, ?, ?) RETURNING version`,
  )
  const read = db.prepare(`SELECT task, version, not_before FROM ${queue} WHERE grp = ?`)
  const due = db.prepare(
    `SELECT grp FROM ${queue} WHERE not_before <= ? ORDER BY not_before, version LIMIT ?`,
  )
  const reschedule = db.prepare(
    `UPDATE ${queue} SET task = ?, not_before = ? WHERE grp = ? AND version = ?`,
  )
  const settle = db.prepare(`DELETE FROM ${queue} WHERE grp = ? AND version = ?`)
  const size = db.prepare(`SELECT count(*) AS n FROM ${queue}`)
  const keep = db.prepare(
    `INSERT INTO ${records} (kind, id, value, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  )
  const list = db.prepare(
    `SELECT id, value FROM ${records} WHERE kind = ? AND expires_at > ?
     ORDER BY expires_at DESC LIMIT ?`,
  )
  const count = db.prepare(`SELECT count(*) AS n FROM ${records} WHERE kind = ? AND expires_at > ?`)
  const take = db.prepare(
    `DELETE FROM ${records} WHERE kind = ? AND id = ? RETURNING value, expires_at`,
  )
  const removeExpired = db.prepare(`DELETE FROM ${records} WHERE kind = ? AND expires_at <= ?`)

  return {
    async put(group, task, notBefore) {
      return Number((put.get(group, task, notBefore) as { version: number }).version)
    },
    async read(group) {
      const row = read.get(group) as
        | { task: string; version: number; not_before: number }
        | undefined
      return row
        ? { task: row.task, version: Number(row.version), notBefore: Number(row.not_before) }
        : null
    },
    async due(now, limit) {
      return (due.all(now, limit) as Array<{ grp: string }>).map((row) => row.grp)
    },
    async reschedule(group, version, task, notBefore) {
      return changed(reschedule.run(task, notBefore, group, version))
    },
    async settle(group, version) {
      return changed(settle.run(group, version))
    },
    async size() {
      return Number((size.get() as { n: number }).n)
    },
    async keep(kind, id, value, ttlMs) {
      const now = Date.now()
      removeExpired.run(kind, now)
      keep.run(kind, id, value, now + ttlMs)
    },
    async list(kind, limit) {
      return list.all(kind, Date.now(), limit) as Array<{ id: string; value: string }>
    },
    async count(kind) {
      return Number((count.get(kind, Date.now()) as { n: number }).n)
    },
    async take(kind, id) {
      const row = take.get(kind, id) as { value: string; expires_at: number } | undefined
      return row && row.expires_at > Date.now() ? row.value : null
    },
  }
}
