import { type CollectionSlug, createLocalReq, type Payload } from 'payload'
import type { MirrorCollectionSlugs } from '../shared/collectionSlugs.ts'
import {
  BULK_BATCH_SIZE,
  bulkBlocker,
  createDocuments,
  inTransaction,
  prepareDocument,
} from './bulkInsert.ts'
import { type MirrorData, PLUGIN_USER_FIELDS, rowKey, type UserWithAccounts } from './mirrorData.ts'
import type { PayloadSnapshot } from './payloadWriter.ts'

// Users Payload has nothing of (a first reconcile, a site adopting the plugin), written in batches
// through the database adapter (see bulkInsert.ts) instead of one by one through the Local API.

type Doc = Record<string, unknown> & { id: string | number }

export function createNewUsersWriter({
  payload: getPayload,
  usersSlug,
  slugs,
  mirror,
}: {
  payload: () => Promise<Payload>
  usersSlug: string
  slugs: MirrorCollectionSlugs
  mirror: MirrorData
}) {
  const { rowOf, linksOf, userDataOf } = mirror

  /** Why the bulk path cannot write these collections as the Local API would; null if it can. */
  const blockers = new WeakMap<Payload, string | null>()
  function bulkBlockerOf(payload: Payload): string | null {
    if (!blockers.has(payload)) {
      const users = payload.collections[usersSlug as CollectionSlug]?.config
      const blocker = !users
        ? `no collection "${usersSlug}"`
        : (bulkBlocker(users, PLUGIN_USER_FIELDS) ??
          Object.values(slugs)
            .map((slug) => {
              const mirror = payload.collections[slug as CollectionSlug]?.config
              return mirror ? bulkBlocker(mirror) : `no collection "${slug}"`
            })
            .find((reason) => reason !== null) ??
          null)
      blockers.set(payload, blocker)
    }
    return blockers.get(payload) ?? null
  }

  /**
   * One batch of users Payload has nothing of, as one commit. Every document is prepared (and
   * validated) before anything is written, so a user Payload would refuse is handed back untouched
   * (`refused`, for the one-by-one path to report by name). Then the mirror rows, their ids (one
   * query per collection), and the users linked to them. `written` is false when the adapter
   * cannot commit a batch at once (nothing written).
   */
  async function insertBatch(payload: Payload, batch: UserWithAccounts[]) {
    const config = (slug: string) => {
      const collection = payload.collections[slug as CollectionSlug]
      if (!collection) throw new Error(`no collection "${slug}"`)
      return collection.config
    }
    const req = await createLocalReq({}, payload)
    const prepared: Array<{
      rows: Array<ReturnType<typeof rowOf>>
      user: Record<string, unknown>
    }> = []
    const refused: UserWithAccounts[] = []
    for (const entry of batch) {
      try {
        const rows: Array<ReturnType<typeof rowOf>> = []
        for (const account of entry.accounts) {
          const row = rowOf(entry.user, account)
          const data = await prepareDocument(config(row.collection), row.data, req)
          rows.push({ ...row, data: data as typeof row.data })
        }
        const user = await prepareDocument(
          config(usersSlug),
          userDataOf(entry.user, []),
          req,
          PLUGIN_USER_FIELDS,
        )
        prepared.push({ rows, user })
      } catch {
        refused.push(entry)
      }
    }
    const written = await inTransaction(payload, async (txReq) => {
      const rows = prepared.flatMap((p) => p.rows)
      await createDocuments(payload, rows, txReq)
      const ids = new Map<string, string | number>()
      for (const collection of new Set(rows.map((row) => row.collection))) {
        const { docs } = await payload.db.find({
          collection: collection as CollectionSlug,
          where: {
            baAccountId: {
              in: rows
                .filter((row) => row.collection === collection)
                .map((r) => r.data.baAccountId),
            },
          },
          pagination: false,
          req: txReq,
          select: { baAccountId: true },
        })
        for (const doc of docs as Doc[])
          ids.set(rowKey(collection, String(doc.baAccountId)), doc.id)
      }
      const users = prepared.map(({ rows: own, user }) => {
        const links = own.map(({ kind, collection, data }) => {
          const id = ids.get(rowKey(collection, data.baAccountId))
          if (id === undefined) throw new Error(`the row of account ${data.baAccountId} is missing`)
          return { kind, id }
        })
        return { collection: usersSlug, data: { ...user, ...linksOf(links) } }
      })
      await createDocuments(payload, users, txReq)
    })
    return { written, refused }
  }

  return {
    /** Whether Payload holds nothing of this user (taken with its accounts): a bulk candidate. */
    isNew(known: PayloadSnapshot | undefined, user: UserWithAccounts): boolean {
      if (!known?.accountRows || known.user || known.emailHolder || known.rows.length > 0)
        return false
      return user.accounts.every(
        (account) =>
          !known.accountRows?.has(rowKey(rowOf(user.user, account).collection, account.id)),
      )
    },

    /**
     * Creates users Payload has nothing of (see `isNew`), with their mirror rows, through the
     * database adapter in batches of `BULK_BATCH_SIZE`, one transaction each. Returns the users
     * it did not write (the caller ensures them one by one) and, when it wrote none, why.
     */
    async insertNew(
      entries: UserWithAccounts[],
    ): Promise<{ rest: UserWithAccounts[]; unavailable?: string; error?: unknown }> {
      const payload = await getPayload()
      const blocker = bulkBlockerOf(payload)
      if (blocker) return { rest: entries, unavailable: blocker }
      const refused: UserWithAccounts[] = []
      for (let start = 0; start < entries.length; start += BULK_BATCH_SIZE) {
        const batch = entries.slice(start, start + BULK_BATCH_SIZE)
        try {
          const result = await insertBatch(payload, batch)
          if (!result.written) {
            return {
              rest: [...refused, ...entries.slice(start)],
              unavailable: 'the database adapter offers no transactions',
            }
          }
          refused.push(...result.refused)
        } catch (error) {
          // This batch and the rest go user by user, where a refusal names its user.
          return { rest: [...refused, ...entries.slice(start)], error }
        }
      }
      return { rest: refused }
    },
  }
}
