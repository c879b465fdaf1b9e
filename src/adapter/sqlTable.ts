import type { Payload } from 'payload'
import toSnakeCase from 'to-snake-case'

/**
 * The SQL table behind a collection, through the Drizzle instance Payload's SQL database adapters
 * (`@payloadcms/db-sqlite`, `db-postgres`, `db-vercel-postgres`, `db-d1-sqlite`) expose. Used only
 * for the two writes the Local API cannot make atomic: a guarded single-row DELETE and UPDATE.
 */
export interface SqlTable {
  /** Deletes the row when it still holds `guard`'s values; true when this call deleted it. */
  deleteIfUnchanged(guard: Record<string, unknown>): Promise<boolean>
  /** Writes `values` when the row still holds `guard`'s values; true when this call wrote it. */
  updateIfUnchanged(
    guard: Record<string, unknown>,
    values: Record<string, unknown>,
  ): Promise<boolean>
}

type Condition = unknown
interface Returning {
  returning(fields: Record<string, unknown>): Promise<unknown[]>
}
interface DrizzleDatabase {
  delete(table: unknown): { where(condition: Condition): Returning }
  update(table: unknown): {
    set(values: Record<string, unknown>): { where(condition: Condition): Returning }
  }
}
interface DrizzleAdapter {
  drizzle: DrizzleDatabase
  tables: Record<string, Record<string, unknown>>
  tableNameMap: Map<string, string>
  sessions?: Record<string, { db: DrizzleDatabase } | undefined>
  operators: {
    and(...conditions: Condition[]): Condition
    equals(column: unknown, value: unknown): Condition
    isNull(column: unknown): Condition
  }
}

function drizzleAdapter(payload: Payload): DrizzleAdapter | null {
  const db = payload.db as unknown as Partial<DrizzleAdapter>
  return db.drizzle && db.tables && db.tableNameMap && db.operators?.isNull
    ? (db as DrizzleAdapter)
    : null
}

/** The table of `slug`, or null when Payload's database adapter is not a SQL one. */
export function sqlTable(
  payload: Payload,
  slug: string,
  transactionID: string | number | undefined,
): SqlTable | null {
  const adapter = drizzleAdapter(payload)
  if (!adapter) return null
  const tableName = adapter.tableNameMap.get(toSnakeCase(slug))
  const table = tableName ? adapter.tables[tableName] : undefined
  if (!table) return null
  const db =
    (transactionID !== undefined && adapter.sessions?.[String(transactionID)]?.db) ||
    adapter.drizzle
  const { and, equals, isNull } = adapter.operators

  const condition = (guard: Record<string, unknown>) =>
    and(
      ...Object.entries(guard).map(([field, value]) => {
        const column = table[field]
        if (!column) throw new Error(`payload-better-auth: no column for "${slug}.${field}"`)
        return value === null || value === undefined
          ? isNull(column)
          : equals(column, storedValue(value))
      }),
    )
  const id = { id: table.id }

  return {
    async deleteIfUnchanged(guard) {
      const rows = await db.delete(table).where(condition(guard)).returning(id)
      return rows.length === 1
    },
    async updateIfUnchanged(guard, values) {
      const stored = Object.fromEntries(
        Object.entries(values).map(([field, value]) => [field, storedValue(value)]),
      )
      const rows = await db.update(table).set(stored).where(condition(guard)).returning(id)
      return rows.length === 1
    },
  }
}

// Payload keeps dates as ISO strings in both SQL adapters (text in SQLite, `mode: 'string'` in Postgres).
function storedValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value
}
