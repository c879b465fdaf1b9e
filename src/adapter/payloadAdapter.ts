import type { BetterAuthOptions } from 'better-auth'
import {
  type AdapterFactory,
  type CleanedWhere,
  type CustomAdapter,
  createAdapterFactory,
  type DBAdapterDebugLogOption,
  type JoinConfig,
} from 'better-auth/adapters'
import type { CollectionSlug, Payload, PayloadRequest, Sort } from 'payload'
import {
  fieldKind,
  type IdKind,
  idKind,
  modelsFromSchema,
  type StoredModel,
} from './schemaFields.ts'
import { sqlTable } from './sqlTable.ts'
import { translateWhere } from './whereClause.ts'

export interface PayloadAdapterOptions {
  /**
   * The Payload instance, or a function returning it (e.g. `() => getPayload({ config })`), so the
   * Better Auth config need not import the Payload config at module load.
   */
  payload: Payload | Promise<Payload> | (() => Payload | Promise<Payload>)
  debugLogs?: DBAdapterDebugLogOption
}

type Doc = Record<string, unknown>

/** Set on every Local API call the adapter makes, so an app's hooks can tell it apart. */
export const ADAPTER_CONTEXT_KEY = 'payloadBetterAuthAdapter'

// Retries of a guarded write that lost a race with another writer of the same row.
const MAX_ATOMIC_ATTEMPTS = 5

/**
 * Better Auth's database adapter over Payload's Local API: Better Auth's models live in Payload
 * collections (see `betterAuthCollections`), so the app has one database and one migration system.
 */
export function payloadAdapter(adapterOptions: PayloadAdapterOptions) {
  const resolvePayload = async (): Promise<Payload> => {
    const { payload } = adapterOptions
    return await (typeof payload === 'function' ? payload() : payload)
  }
  let betterAuthOptions: BetterAuthOptions | undefined

  const build = (transactionID: string | number | undefined): AdapterFactory<BetterAuthOptions> =>
    createAdapterFactory({
      config: {
        adapterId: 'payload',
        adapterName: 'Payload Adapter',
        usePlural: false,
        debugLogs: adapterOptions.debugLogs ?? false,
        supportsNumericIds: true,
        supportsUUIDs: false,
        supportsJSON: true,
        supportsArrays: true,
        supportsBooleans: true,
        // Payload reads dates back as ISO strings; the factory turns them into Dates.
        supportsDates: false,
        transaction:
          transactionID === undefined
            ? async (callback) => {
                const payload = await resolvePayload()
                const id = (await payload.db.beginTransaction?.()) ?? undefined
                const trx = build(id)(betterAuthOptions ?? {})
                // No transactions in this database adapter (SQLite's are off by default): run as is.
                if (id === undefined) return callback(trx)
                try {
                  const result = await callback(trx)
                  await payload.db.commitTransaction(id)
                  return result
                } catch (error) {
                  await payload.db.rollbackTransaction(id)
                  throw error
                }
              }
            : async (callback) => callback(build(transactionID)(betterAuthOptions ?? {})),
      },
      adapter: ({ options, schema, getDefaultModelName }) => {
        betterAuthOptions = options
        const models = modelsFromSchema(schema)
        const ids = idKind(options)
        const req = transactionID === undefined ? undefined : { transactionID }
        const modelOf = (model: string): StoredModel => {
          const stored = models.get(getDefaultModelName(model))
          if (!stored) throw new Error(`payload-better-auth: unknown Better Auth model "${model}"`)
          return stored
        }
        return collectionOperations({ resolvePayload, modelOf, ids, req, transactionID })
      },
    })

  return build(undefined)
}

export type PayloadAdapter = ReturnType<typeof payloadAdapter>

interface OperationContext {
  resolvePayload(): Promise<Payload>
  modelOf(model: string): StoredModel
  ids: IdKind
  req: Partial<PayloadRequest> | undefined
  transactionID: string | number | undefined
}

interface Page {
  limit?: number
  offset?: number
  sortBy?: { field: string; direction: 'asc' | 'desc' }
}

function collectionOperations(context: OperationContext): CustomAdapter {
  const { resolvePayload, modelOf, ids, req } = context
  const local = (model: StoredModel) => ({
    collection: model.slug as CollectionSlug,
    depth: 0,
    overrideAccess: true,
    req,
    context: { [ADAPTER_CONTEXT_KEY]: true },
  })

  /**
   * The rows matching `where`, exactly, in Better Auth's order and page. When every clause
   * translated exactly the database sorts and pages; otherwise it only narrows the rows, and they
   * are decided, sorted and paged here.
   */
  async function findRows(model: StoredModel, where: CleanedWhere[] | undefined, page: Page) {
    const query = translateWhere(where, model, ids)
    // No row can match: answered without reading the table.
    if (query.matchesNothing) return []
    const payload = await resolvePayload()
    const offset = page.offset ?? 0
    const end = page.limit === undefined ? undefined : offset + page.limit
    const sort: Sort | undefined =
      query.exact && page.sortBy
        ? `${page.sortBy.direction === 'desc' ? '-' : ''}${page.sortBy.field}`
        : undefined
    const { docs } = await payload.find({
      ...local(model),
      where: query.where,
      sort,
      pagination: false,
      // 0: every row.
      limit: query.exact ? (end ?? 0) : 0,
    })
    const rows = (docs as Doc[]).filter(query.matches)
    if (!query.exact && page.sortBy) sortRows(rows, page.sortBy)
    return rows.slice(offset, end)
  }

  async function attachJoins(rows: Doc[], join: JoinConfig | undefined) {
    if (!join || rows.length === 0) return rows
    const payload = await resolvePayload()
    for (const [key, config] of Object.entries(join)) {
      const joined = modelOf(config.modelKey ?? key)
      const fromValues = [...new Set(rows.map((row) => idValue(row[config.on.from])))].filter(
        (value) => value !== null,
      )
      const { docs } = fromValues.length
        ? await payload.find({
            ...local(joined),
            where: { [config.on.to]: { in: fromValues } },
            pagination: false,
            limit: 0,
            sort: 'id',
          })
        : { docs: [] }
      const byKey = new Map<string, Doc[]>()
      for (const doc of docs as Doc[]) {
        const value = String(idValue(doc[config.on.to]))
        byKey.set(value, [...(byKey.get(value) ?? []), doc])
      }
      for (const row of rows) {
        const matches = byKey.get(String(idValue(row[config.on.from]))) ?? []
        row[key] =
          config.relation === 'one-to-one'
            ? (matches[0] ?? null)
            : matches.slice(0, config.limit ?? 100)
      }
    }
    return rows
  }

  async function firstRow(model: StoredModel, where: CleanedWhere[]) {
    const [row] = await findRows(model, where, { limit: 1 })
    return row ?? null
  }

  /** The row's values for the fields `where` tests, to guard a write against a concurrent change. */
  function guardFor(model: StoredModel, row: Doc, where: CleanedWhere[], extra: string[] = []) {
    const guard: Doc = { id: row.id }
    for (const field of [...where.map((clause) => clause.field), ...extra]) {
      const stored = model.fields.get(field)
      // JSON values cannot be compared with `=`; the other guarded fields catch the change.
      if (stored && fieldKind(stored) !== 'structured') guard[field] = idValue(row[field])
    }
    return guard
  }

  return {
    async create({ model, data }) {
      const payload = await resolvePayload()
      const stored = modelOf(model)
      // Better Auth verifies emails: Payload's `auth.verify` must not mail a link of its own.
      const doc = await payload.create({
        ...local(stored),
        data: data as Doc,
        disableVerificationEmail: true,
      })
      return doc as unknown as typeof data
    },

    async findOne({ model, where, select, join }) {
      const stored = modelOf(model)
      const row = await firstRow(stored, where)
      if (!row) return null
      const [joined] = await attachJoins([row], join)
      return project(joined as Doc, stored, select, join) as never
    },

    async findMany({ model, where, limit, offset, sortBy, select, join }) {
      const stored = modelOf(model)
      const rows = await findRows(stored, where, { limit, offset, sortBy })
      const joined = await attachJoins(rows, join)
      return joined.map((row) => project(row, stored, select, join)) as never[]
    },

    async count({ model, where }) {
      const payload = await resolvePayload()
      const stored = modelOf(model)
      const query = translateWhere(where, stored, ids)
      if (query.matchesNothing) return 0
      if (query.exact) {
        const { totalDocs } = await payload.count({ ...local(stored), where: query.where })
        return totalDocs
      }
      return (await findRows(stored, where, {})).length
    },

    async update({ model, where, update }) {
      const payload = await resolvePayload()
      const stored = modelOf(model)
      const row = await firstRow(stored, where)
      if (!row) return null
      const doc = await payload.update({
        ...local(stored),
        id: row.id as string | number,
        data: update as Doc,
      })
      return doc as never
    },

    async updateMany({ model, where, update }) {
      const payload = await resolvePayload()
      const stored = modelOf(model)
      const rows = await findRows(stored, where, {})
      for (const row of rows) {
        await payload.update({ ...local(stored), id: row.id as string | number, data: update })
      }
      return rows.length
    },

    async delete({ model, where }) {
      const payload = await resolvePayload()
      const stored = modelOf(model)
      const row = await firstRow(stored, where)
      if (row) await payload.delete({ ...local(stored), id: row.id as string | number })
    },

    async deleteMany({ model, where }) {
      const payload = await resolvePayload()
      const stored = modelOf(model)
      const rows = await findRows(stored, where, {})
      for (const row of rows) {
        await payload.delete({ ...local(stored), id: row.id as string | number })
      }
      return rows.length
    },

    async consumeOne({ model, where }) {
      const payload = await resolvePayload()
      const stored = modelOf(model)
      const table = sqlTable(payload, stored.slug, context.transactionID)
      for (let attempt = 0; attempt < MAX_ATOMIC_ATTEMPTS; attempt++) {
        const row = await firstRow(stored, where)
        if (!row) return null
        if (!table) {
          warnNotAtomic()
          await payload.delete({ ...local(stored), id: row.id as string | number })
          return row as never
        }
        // Only the caller whose DELETE removed the row gets it: a single use stays single.
        if (await table.deleteIfUnchanged(guardFor(stored, row, where))) return row as never
      }
      return null
    },

    async incrementOne({ model, where, increment, set }) {
      const payload = await resolvePayload()
      const stored = modelOf(model)
      const table = sqlTable(payload, stored.slug, context.transactionID)
      for (let attempt = 0; attempt < MAX_ATOMIC_ATTEMPTS; attempt++) {
        const row = await firstRow(stored, where)
        if (!row) return null
        const values: Doc = { ...set }
        for (const [field, delta] of Object.entries(increment)) {
          values[field] = (Number(row[field]) || 0) + delta
        }
        if (!table) {
          warnNotAtomic()
          return (await payload.update({
            ...local(stored),
            id: row.id as string | number,
            data: values,
          })) as never
        }
        // Compare-and-set on the values read: a concurrent increment makes this one retry.
        const guard = guardFor(stored, row, where, Object.keys(increment))
        if (await table.updateIfUnchanged(guard, values)) {
          return (await payload.findByID({
            ...local(stored),
            id: row.id as string | number,
          })) as never
        }
      }
      throw new Error(
        `payload-better-auth: incrementOne on "${stored.slug}" lost ${MAX_ATOMIC_ATTEMPTS} races ` +
          `in a row; retry the request.`,
      )
    },
  }
}

/** Only the selected fields (and the joined models), when Better Auth asked for some. */
function project(
  row: Doc,
  model: StoredModel,
  select: string[] | undefined,
  join: JoinConfig | undefined,
): Doc {
  if (!select?.length) return row
  const kept: Doc = {}
  for (const key of select) {
    const field = model.names.get(key) ?? key
    kept[field] = row[field]
  }
  for (const key of Object.keys(join ?? {})) kept[key] = row[key]
  return kept
}

function idValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'object' && 'id' in value) return idValue(value.id)
  if (value instanceof Date) return value.toISOString()
  return value as string | number
}

// JavaScript's order for strings (code units), numbers, dates (ISO strings sort as times);
// NULLs first ascending, as SQLite and Postgres (NULLS FIRST for ASC in SQLite) disagree anyway.
function sortRows(rows: Doc[], sortBy: { field: string; direction: 'asc' | 'desc' }) {
  const sign = sortBy.direction === 'desc' ? -1 : 1
  rows.sort((a, b) => {
    const x = idValue(a[sortBy.field])
    const y = idValue(b[sortBy.field])
    if (x === y) return 0
    if (x === null) return -sign
    if (y === null) return sign
    return (x < y ? -1 : 1) * sign
  })
}

let warnedNotAtomic = false
function warnNotAtomic() {
  if (warnedNotAtomic) return
  warnedNotAtomic = true
  console.warn(
    '[payload-better-auth] this Payload database adapter has no SQL access: consumeOne and ' +
      'incrementOne fall back to a read then a write, which is not atomic across processes.',
  )
}
