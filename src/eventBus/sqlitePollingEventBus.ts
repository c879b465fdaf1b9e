import { describedAs, sqliteDescription } from '../shared/description.ts'
import {
  assertTableName,
  enableConcurrentAccess,
  type SqliteDatabase,
} from '../shared/sqliteDatabase.ts'
import { defineEventBus } from './defineEventBus.ts'
import type { ClosableEventBus } from './types.ts'

export interface SqlitePollingEventBusOptions {
  /** A node:sqlite `DatabaseSync` on a file every process opens, e.g. `new DatabaseSync('.event-bus.db')`. */
  db: SqliteDatabase
  /** How often to look for new events (ms). Default 100. */
  pollInterval?: number
  /** How often to delete old events (ms). Default 60 000. */
  cleanupInterval?: number
  /** Events older than this are deleted (ms). Default 60 000. */
  cleanupAge?: number
  /** Table to keep events in (created if missing). Default `better_auth_events`. */
  table?: string
}

interface EventRow {
  id: number
  service: string
  timestamp: number
}

/**
 * Events as rows in a SQLite file that every process polls: no server, one machine. Delivery takes
 * up to `pollInterval`; use the Redis bus when processes run on several machines.
 */
export function createSqlitePollingEventBus(
  options: SqlitePollingEventBusOptions,
): ClosableEventBus {
  const {
    db,
    pollInterval = 100,
    cleanupInterval = 60_000,
    cleanupAge = 60_000,
    table = 'better_auth_events',
  } = options
  const owner = 'createSqlitePollingEventBus'
  assertTableName(table, `${owner}: table`)
  for (const [option, value] of Object.entries({ pollInterval, cleanupInterval, cleanupAge })) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new TypeError(
        `${owner}: ${option} must be a positive number of ms, got ${String(value)}`,
      )
    }
  }
  // Wider than the `NODE_ENV` union Next.js declares: deployments use `staging` too.
  const environment: string | undefined = process.env.NODE_ENV
  if (environment === 'production' || environment === 'staging') {
    console.warn(
      `[eventBus] ${owner} polls a local SQLite file and only reaches processes on this machine; with NODE_ENV=${environment} use createRedisEventBus.`,
    )
  }

  enableConcurrentAccess(db)
  // AUTOINCREMENT: ids are never reused after cleanup, so "id > last seen" never skips an event.
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (
       id INTEGER PRIMARY KEY AUTOINCREMENT,
       service TEXT NOT NULL,
       timestamp INTEGER NOT NULL,
       created_at INTEGER NOT NULL)`,
  )
  const insert = db.prepare(
    `INSERT INTO ${table} (service, timestamp, created_at) VALUES (?, ?, ?)`,
  )
  const newerThan = db.prepare(
    `SELECT id, service, timestamp FROM ${table} WHERE id > ? ORDER BY id LIMIT 1000`,
  )
  const lastId = db.prepare(`SELECT COALESCE(MAX(id), 0) AS id FROM ${table}`)
  const removeOld = db.prepare(`DELETE FROM ${table} WHERE created_at < ?`)

  let seen = 0
  let listeners = 0
  let pollTimer: NodeJS.Timeout | undefined
  let failing = false

  // One log line per outage, not one per poll.
  const guarded = (action: string, run: () => void) => {
    try {
      run()
      failing = false
    } catch (error) {
      if (!failing) console.error(`[eventBus] ${owner}: ${action} failed: ${String(error)}`)
      failing = true
    }
  }

  const cleanupTimer = setInterval(
    () => guarded('cleanup', () => removeOld.run(Date.now() - cleanupAge)),
    cleanupInterval,
  )
  cleanupTimer.unref()

  const bus = defineEventBus(owner, (deliver) => {
    const poll = () =>
      guarded('poll', () => {
        for (const row of newerThan.all(seen) as unknown as EventRow[]) {
          seen = row.id
          deliver(row.service, Number(row.timestamp))
        }
      })

    return {
      publish(service, timestamp) {
        guarded('notify', () => insert.run(service, timestamp, Date.now()))
      },
      // Poll only while someone listens, starting from the newest event at that moment. Like a
      // Redis subscription, a listening poller keeps the process alive until unsubscribe or close.
      listen() {
        if (listeners++ > 0) return
        seen = (lastId.get() as { id: number }).id
        pollTimer = setInterval(poll, pollInterval)
      },
      unlisten() {
        if (--listeners > 0) return
        clearInterval(pollTimer)
        pollTimer = undefined
      },
      close() {
        clearInterval(pollTimer)
        clearInterval(cleanupTimer)
      },
    }
  })
  return describedAs(bus, sqliteDescription(db, `table ${table}`))
}
