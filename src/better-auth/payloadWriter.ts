import type { Payload } from 'payload'
import { mirrorCollectionSlugs, userAccountFields } from '../shared/collectionSlugs.ts'
import { comparableValue } from '../shared/fieldValue.ts'
import { SYNC_CONTEXT_KEY, type SyncOperation, signSyncOperation } from '../shared/syncSignature.ts'

// Writes one Better Auth user, with their accounts, into Payload: the mirror rows, then the user
// and its relationships. Every write is signed; nothing is written when Payload already matches,
// so a reconcile pass over users in sync is read-only.

export type AccountKind = keyof typeof userAccountFields

/** A Better Auth account as the sync mirrors it. */
export interface SyncedAccount {
  id: string
  providerId: string
  accountId: string
}

/** The Better Auth user fields the sync reads; `mapUserToPayload` gets the whole record. */
export interface SyncedUser {
  id: string
  email: string
  emailVerified?: boolean
  [field: string]: unknown
}

/** Better Auth's email/password provider is `credential`; `magic-link` marks magic-link sign-in. */
export function accountKind(providerId: string): AccountKind {
  if (providerId === 'credential') return 'emailPassword'
  if (providerId === 'magic-link') return 'magicLink'
  return 'social'
}

export interface PayloadWriterOptions<UserData extends object> {
  payload: () => Promise<Payload>
  syncSecret: string
  usersSlug?: string
  collectionPrefix?: string
  mapUserToPayload(user: SyncedUser): UserData
}

export type EnsureResult = 'created' | 'updated' | 'unchanged'

type Doc = Record<string, unknown> & { id: string | number }

/** What Payload holds for one Better Auth user: mirror rows (with their collection) and the user. */
export interface PayloadSnapshot {
  rows: Array<{ collection: string; doc: Doc }>
  user: Doc | undefined
}

const emptySnapshot = (): PayloadSnapshot => ({ rows: [], user: undefined })

/** Whether every field of `wanted` already has that value in `doc` (relationships by id). */
const matches = (doc: Doc, wanted: Record<string, unknown>): boolean =>
  Object.entries(wanted).every(
    ([field, value]) =>
      comparableValue(doc[field], { anyOrder: true }) ===
      comparableValue(value, { anyOrder: true }),
  )

export function createPayloadWriter<UserData extends object>(
  options: PayloadWriterOptions<UserData>,
) {
  const usersSlug = options.usersSlug ?? 'users'
  const slugs = mirrorCollectionSlugs(options.collectionPrefix)
  const context = (operation: SyncOperation) => ({
    [SYNC_CONTEXT_KEY]: signSyncOperation(options.syncSecret, operation),
  })

  async function findBy(payload: Payload, collection: string, field: string, value: string) {
    const { docs } = await payload.find({
      collection,
      where: { [field]: { equals: value } },
      depth: 0,
      limit: 1000,
      pagination: false,
      overrideAccess: true,
    })
    return docs as Doc[]
  }

  /** Creates or updates one document so that it holds `data`; returns it and what it did. */
  async function upsert(
    payload: Payload,
    collection: string,
    existing: Doc | undefined,
    data: Record<string, unknown>,
  ) {
    if (!existing) {
      const doc = (await payload.create({
        collection,
        data,
        context: context({ op: 'create', collection, id: null, data }),
      })) as Doc
      return { doc, result: 'created' as EnsureResult }
    }
    if (matches(existing, data)) return { doc: existing, result: 'unchanged' as EnsureResult }
    const doc = (await payload.update({
      collection,
      id: existing.id,
      data,
      context: context({ op: 'update', collection, id: existing.id, data }),
    })) as Doc
    return { doc, result: 'updated' as EnsureResult }
  }

  /** What Payload holds for these Better Auth users: one query per collection, not per user. */
  async function snapshot(baUserIds: string[]): Promise<Map<string, PayloadSnapshot>> {
    const payload = await options.payload()
    const byUser = new Map<string, PayloadSnapshot>(baUserIds.map((id) => [id, emptySnapshot()]))
    const where = { baUserId: { in: baUserIds } }
    for (const collection of Object.values(slugs)) {
      const { docs } = await payload.find({
        collection,
        where,
        depth: 0,
        pagination: false,
        overrideAccess: true,
      })
      for (const doc of docs as Doc[])
        byUser.get(String(doc.baUserId))?.rows.push({ collection, doc })
    }
    const { docs } = await payload.find({
      collection: usersSlug,
      where,
      depth: 0,
      pagination: false,
      overrideAccess: true,
    })
    for (const doc of docs as Doc[]) {
      const entry = byUser.get(String(doc.baUserId))
      if (entry) entry.user = doc
    }
    return byUser
  }

  return {
    snapshot,

    /**
     * Makes Payload hold `user` and exactly these accounts. `known` is what Payload holds for the
     * user (from `snapshot`), so a reconcile reads a page of users in a few queries.
     */
    async ensure(
      user: SyncedUser,
      accounts: SyncedAccount[],
      known?: PayloadSnapshot,
    ): Promise<EnsureResult> {
      const payload = await options.payload()
      const current = known ?? (await snapshot([user.id])).get(user.id) ?? emptySnapshot()
      let changed = false
      const linked: Record<AccountKind, Array<string | number>> = {
        emailPassword: [],
        magicLink: [],
        social: [],
      }
      for (const account of accounts) {
        const kind = accountKind(account.providerId)
        const collection = slugs[kind]
        const data: Record<string, unknown> = {
          baAccountId: account.id,
          baUserId: user.id,
          email: user.email,
          emailVerified: user.emailVerified === true,
          ...(kind === 'social'
            ? { providerId: account.providerId, accountId: account.accountId }
            : {}),
        }
        // Not among the user's rows: it may still exist under another user (an account moved).
        const existing =
          current.rows.find(
            (row) => row.collection === collection && String(row.doc.baAccountId) === account.id,
          )?.doc ?? (await findBy(payload, collection, 'baAccountId', account.id))[0]
        const { doc, result } = await upsert(payload, collection, existing, data)
        changed ||= result !== 'unchanged'
        linked[kind].push(doc.id)
      }
      // Accounts unlinked in Better Auth lose their mirror rows.
      const keep = new Set(accounts.map((account) => account.id))
      for (const row of current.rows) {
        if (keep.has(String(row.doc.baAccountId))) continue
        await payload.delete({ collection: row.collection, id: row.doc.id, overrideAccess: true })
        changed = true
      }

      const data: Record<string, unknown> = {
        ...options.mapUserToPayload(user),
        baUserId: user.id,
        [userAccountFields.emailPassword]: linked.emailPassword[0] ?? null,
        [userAccountFields.magicLink]: linked.magicLink[0] ?? null,
        [userAccountFields.social]: linked.social,
      }
      const { result } = await upsert(payload, usersSlug, current.user, data)
      return result === 'unchanged' && changed ? 'updated' : result
    },

    /** Removes the mirror rows, then the Payload user. */
    async remove(baUserId: string): Promise<boolean> {
      const payload = await options.payload()
      let removed = false
      for (const collection of [...Object.values(slugs), usersSlug]) {
        for (const row of await findBy(payload, collection, 'baUserId', baUserId)) {
          await payload.delete({ collection, id: row.id, overrideAccess: true })
          removed = true
        }
      }
      return removed
    },
  }
}
