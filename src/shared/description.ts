// What a storage or event bus is, in words ("redis 127.0.0.1:6379, prefix ba:"), so that the
// start-up checks and `payload-better-auth doctor` can say which store each side uses. Kept on the
// object under a symbol (not enumerable, shared by every copy of this module), because the clients
// and files inside are private to each factory.

const DESCRIPTION = Symbol.for('payload-better-auth.description')

/** Marks `value` (a storage or event bus of ours) with its description; returns it. */
export function describedAs<T extends object>(value: T, description: string): T {
  Object.defineProperty(value, DESCRIPTION, { value: description, enumerable: false })
  return value
}

/** The description `describedAs` gave, or `fallback` for an object of someone else's. */
export function descriptionOf(value: unknown, fallback: string): string {
  const description =
    typeof value === 'object' && value !== null
      ? (value as { [DESCRIPTION]?: unknown })[DESCRIPTION]
      : undefined
  return typeof description === 'string' ? description : fallback
}

/** Whether the description says "this process only" (a memory storage or bus). */
export const isInProcess = (value: unknown): boolean =>
  descriptionOf(value, '').startsWith('memory')

interface ClientOptions {
  host?: unknown
  port?: unknown
  db?: unknown
  path?: unknown
  url?: unknown
  database?: unknown
  socket?: { host?: unknown; port?: unknown; path?: unknown }
}

/** Where an ioredis or node-redis client connects (host:port/db), never its credentials. */
export function redisAddress(client: unknown): string {
  try {
    const options = (client as { options?: ClientOptions }).options
    if (!options) return 'redis'
    if (typeof options.url === 'string') {
      const url = new URL(options.url)
      const database = url.pathname.replace(/^\//, '') || String(options.database ?? 0)
      return `redis ${url.hostname}:${url.port || 6379}/${database}`
    }
    const socket = options.socket ?? options
    if (typeof socket.path === 'string') return `redis ${socket.path}`
    const host = typeof socket.host === 'string' ? socket.host : 'localhost'
    const port = typeof socket.port === 'number' ? socket.port : 6379
    return `redis ${host}:${port}/${String(options.db ?? options.database ?? 0)}`
  } catch {
    return 'redis'
  }
}

/** Which SQLite file a `DatabaseSync` has open; null for an in-memory one (or an older Node). */
export function sqliteLocation(db: unknown): string | null {
  try {
    const location = (db as { location?: () => string | null }).location?.()
    return location || null
  } catch {
    return null
  }
}

/** A SQLite-backed storage or bus: its file, or "memory" when the database is in memory. */
export const sqliteDescription = (db: unknown, what: string): string => {
  const file = sqliteLocation(db)
  return file ? `sqlite ${file}, ${what}` : `memory (an in-memory SQLite database, ${what})`
}
