import {
  type CollectionSlug,
  createLocalReq,
  type FlattenedField,
  type Payload,
  type PayloadRequest,
  type SanitizedCollectionConfig,
} from 'payload'
import { isPluginHook } from '../shared/pluginHooks.ts'

// The first pass of a full reconcile, for users Payload has nothing of: written through Payload's
// database adapter, one commit per batch, several times faster than the Local API (whose create
// runs the whole field pipeline, ~1.5 ms a document): multi-row INSERTs on the SQL adapters, the
// adapter's `create` otherwise. Taken only when it stores what the Local API would: no hook of the
// app's own runs on create in these collections, the app's fields have no hooks and no computed
// defaults, and the adapter can commit a batch at once (see `inTransaction`). Static defaults are
// filled in and every field is checked by its own `validate`, as the Local API does. Anything
// else is the Local API's work.

/** Users written per commit: a reconcile page (500 users, ~0.2 s on SQLite). */
export const BULK_BATCH_SIZE = 500

/** The hooks Payload runs around a create. */
const CREATE_HOOKS = [
  'beforeOperation',
  'beforeValidate',
  'beforeChange',
  'afterChange',
  'afterOperation',
] as const
const FIELD_HOOKS = ['beforeValidate', 'beforeChange', 'afterChange'] as const

/** Fields Payload adds to an auth collection; the adapter stores them as the Local API does. */
const PAYLOAD_AUTH_FIELDS = new Set([
  'email',
  'resetPasswordToken',
  'resetPasswordExpiration',
  'salt',
  'hash',
  'resetPasswordRequestedAt',
  'loginAttempts',
  'lockUntil',
  'sessions',
  '_verified',
  '_verificationToken',
  'enableAPIKey',
  'apiKey',
  'apiKeyIndex',
])
const TIMESTAMPS = new Set(['id', 'createdAt', 'updatedAt'])

/** A document to create: its collection and data. */
export interface BulkDocument {
  collection: string
  data: Record<string, unknown>
}

type Hooks = Record<string, unknown[] | undefined> | undefined
/** A field's hooks (a flattened unnamed group has none). */
const hooksOf = (field: FlattenedField): Hooks =>
  'hooks' in field ? (field.hooks as Hooks) : undefined
const appHooks = (hooks: Hooks, kinds: readonly string[]) =>
  kinds.flatMap((kind) => (hooks?.[kind] ?? []).filter((hook) => !isPluginHook(hook)))

/** Whether a field (or anything inside it) computes a value on create. */
function computes(field: FlattenedField): boolean {
  if (appHooks(hooksOf(field), FIELD_HOOKS).length > 0) return true
  if ('defaultValue' in field && typeof field.defaultValue === 'function') return true
  if ('localized' in field && field.localized) return true
  const nested =
    field.type === 'blocks'
      ? field.blocks.flatMap((block) => block.flattenedFields)
      : 'flattenedFields' in field
        ? field.flattenedFields
        : []
  return nested.some(
    (inner) => computes(inner) || ('defaultValue' in inner && inner.defaultValue !== undefined),
  )
}

/**
 * Why the bulk path cannot write `collection` as the Local API would, or null when it can.
 * `pluginFields` are the plugin's own fields there, whose hooks are the plugin's.
 */
export function bulkBlocker(
  collection: SanitizedCollectionConfig,
  pluginFields: ReadonlySet<string> = new Set(),
): string | null {
  const hooks = appHooks(collection.hooks as Hooks, CREATE_HOOKS)
  if (hooks.length > 0) return `collection "${collection.slug}" has hooks of its own on create`
  if (collection.versions) return `collection "${collection.slug}" keeps versions`
  if (collection.upload) return `collection "${collection.slug}" is an upload collection`
  for (const field of collection.flattenedFields) {
    if (pluginFields.has(field.name) || TIMESTAMPS.has(field.name)) continue
    if (collection.auth && PAYLOAD_AUTH_FIELDS.has(field.name) && field.name !== 'email') continue
    // Payload's own email hook lower-cases and trims, which `prepareDocument` does.
    if (collection.auth && field.name === 'email') {
      const extra = appHooks(hooksOf(field), FIELD_HOOKS).length - 1
      if (extra > 0) return `field "${collection.slug}.email" has hooks of its own`
      continue
    }
    if (computes(field)) {
      return `field "${collection.slug}.${field.name}" has hooks or a computed default`
    }
  }
  return null
}

/**
 * `data` as the Local API would store it: static defaults filled in, the auth email lower-cased,
 * every top-level field (but relationships the plugin sets) validated by its own `validate`.
 * Throws with the field's message when one refuses.
 */
export async function prepareDocument(
  collection: SanitizedCollectionConfig,
  input: Record<string, unknown>,
  req: PayloadRequest,
  pluginFields: ReadonlySet<string> = new Set(),
): Promise<Record<string, unknown>> {
  const data = { ...input }
  if (collection.auth && typeof data.email === 'string')
    data.email = data.email.toLowerCase().trim()
  for (const field of collection.flattenedFields) {
    if (field.type === 'join' || TIMESTAMPS.has(field.name)) continue
    if (data[field.name] === undefined && 'defaultValue' in field) {
      if (field.defaultValue !== undefined) data[field.name] = structuredClone(field.defaultValue)
    }
    if (pluginFields.has(field.name) || !('validate' in field) || !field.validate) continue
    if (collection.auth && PAYLOAD_AUTH_FIELDS.has(field.name) && field.name !== 'email') continue
    const verdict = await field.validate(
      data[field.name] as never,
      {
        ...field,
        collectionSlug: collection.slug,
        data,
        event: 'submit',
        operation: 'create',
        overrideAccess: true,
        path: [field.name],
        preferences: { fields: {} },
        previousValue: undefined,
        req,
        siblingData: data,
      } as never,
    )
    if (typeof verdict === 'string') throw new Error(`${collection.slug}.${field.name}: ${verdict}`)
  }
  return data
}

interface SqlConnection {
  execute(sql: string): Promise<unknown>
}

/**
 * The one connection of Payload's SQLite adapter (which opens no transactions by default), when
 * its database is a local file or in memory (a remote libSQL URL answers over the network, where
 * statements are not one session).
 */
function sqliteConnection(payload: Payload): SqlConnection | undefined {
  const db = payload.db as unknown as {
    packageName?: string
    client?: Partial<SqlConnection>
    clientConfig?: { url?: unknown }
  }
  const url = String(db.clientConfig?.url ?? '')
  if (
    db.packageName !== '@payloadcms/db-sqlite' ||
    typeof db.client?.execute !== 'function' ||
    !/^(file:|:memory:)/.test(url)
  ) {
    return undefined
  }
  return db.client as SqlConnection
}

/**
 * Runs `write` as one commit. With the adapter's transactions (PostgreSQL; SQLite with
 * `transactionOptions`) it commits, or rolls back and rethrows. Payload's SQLite adapter without
 * them (its default: its transaction connections would get no busy timeout) writes on one
 * connection to a local file, so BEGIN and COMMIT there make the batch one journal sync instead of
 * one per row. That connection is shared with every other request, so the batch must not let them
 * in: `write` never yields, and a local SQLite answers synchronously, so the event loop does not
 * turn until COMMIT. Should it turn anyway, a failure commits what was written (someone else's
 * write may be in it) instead of rolling back, and the caller completes the batch user by user.
 * Returns false, having written nothing, when neither way exists.
 */
export async function inTransaction(
  payload: Payload,
  write: (req: PayloadRequest) => Promise<void>,
): Promise<boolean> {
  const req = await createLocalReq({}, payload)
  const transactionID = await payload.db.beginTransaction()
  if (transactionID) {
    req.transactionID = transactionID
    try {
      await write(req)
    } catch (error) {
      await payload.db.rollbackTransaction(transactionID)
      throw error
    }
    await payload.db.commitTransaction(transactionID)
    return true
  }
  const connection = sqliteConnection(payload)
  if (!connection) return false
  let turned = false
  const turn = setImmediate(() => {
    turned = true
  })
  await connection.execute('BEGIN')
  try {
    await write(req)
  } catch (error) {
    await connection.execute(turned ? 'COMMIT' : 'ROLLBACK').catch(() => {})
    throw error
  } finally {
    clearImmediate(turn)
  }
  await connection.execute('COMMIT').catch(async (error: unknown) => {
    // An open transaction would swallow every later write on this connection.
    await connection.execute('ROLLBACK').catch(() => {})
    throw error
  })
  return true
}

/** What Payload's SQL adapters (`@payloadcms/drizzle`: SQLite, PostgreSQL) offer for it. */
interface SqlAdapter {
  tables: Record<string, Record<string, unknown>>
  tableNameMap: Map<string, string>
  drizzle: unknown
  sessions?: Record<string, { db: unknown } | undefined>
  insert(args: {
    db: unknown
    tableName: string
    values: Record<string, unknown>[]
  }): Promise<unknown>
}

function sqlAdapter(payload: Payload): SqlAdapter | undefined {
  const db = payload.db as unknown as Partial<SqlAdapter>
  return typeof db.insert === 'function' && db.tables && db.tableNameMap && db.drizzle
    ? (db as SqlAdapter)
    : undefined
}

/** The collection's table (Payload names it after the slug in snake case), if the adapter has it. */
function tableOf(adapter: SqlAdapter, slug: string) {
  const snake = slug
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z\d]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase()
  const name = adapter.tableNameMap.get(snake)
  const columns = name ? adapter.tables[name] : undefined
  return name && columns ? { name, columns } : undefined
}

/**
 * `data` as one row of the collection's own table, when every value is a scalar in a column of
 * its own (an empty has-many adds no rows); otherwise undefined, and Payload's create writes it.
 */
function tableRow(columns: Record<string, unknown>, data: Record<string, unknown>, now: string) {
  const row: Record<string, unknown> = { createdAt: now, updatedAt: now }
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue
    if ((value !== null && typeof value === 'object') || !(key in columns)) return undefined
    row[key] = value
  }
  return row
}

/** Rows per INSERT statement (well under SQLite's and PostgreSQL's parameter limits). */
const ROWS_PER_INSERT = 100

/**
 * Creates documents without reading them back: on Payload's SQL adapters, documents that are one
 * row of their table each go in multi-row INSERTs (the adapter's own `insert`, in the request's
 * transaction); the rest, and every document on other adapters, through the adapter's `create`.
 * It never yields to the event loop on purpose (see `inTransaction`).
 */
export async function createDocuments(
  payload: Payload,
  documents: BulkDocument[],
  req: PayloadRequest,
) {
  const adapter = sqlAdapter(payload)
  const transactionID = req.transactionID ? String(await req.transactionID) : undefined
  const db = transactionID ? adapter?.sessions?.[transactionID]?.db : adapter?.drizzle
  const now = new Date().toISOString()
  const rows = new Map<string, Record<string, unknown>[]>()
  const oneByOne: BulkDocument[] = []
  for (const document of documents) {
    const table = adapter && db ? tableOf(adapter, document.collection) : undefined
    const row = table && tableRow(table.columns, document.data, now)
    if (!table || !row) {
      oneByOne.push(document)
      continue
    }
    const list = rows.get(table.name) ?? []
    list.push(row)
    rows.set(table.name, list)
  }
  for (const [tableName, values] of rows) {
    for (let start = 0; start < values.length; start += ROWS_PER_INSERT) {
      await adapter?.insert({ db, tableName, values: values.slice(start, start + ROWS_PER_INSERT) })
    }
  }
  for (const { collection, data } of oneByOne) {
    await payload.db.create({
      collection: collection as CollectionSlug,
      data: { createdAt: now, updatedAt: now, ...data },
      req,
      returning: false,
    })
  }
}
