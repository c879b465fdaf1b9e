import type { Payload } from 'payload'
import { mirrorCollectionSlugs } from '../shared/collectionSlugs.ts'
import { comparableValue } from '../shared/fieldValue.ts'
import { isMigratedUserOf } from '../shared/migratedUserId.ts'
import { SYNC_CONTEXT_KEY, type SyncOperation, signSyncOperation } from '../shared/syncSignature.ts'
import {
  type AccountKind,
  createMirrorData,
  rowKey,
  type SyncedAccount,
  type SyncedUser,
} from './mirrorData.ts'
import { createNewUsersWriter } from './newUsers.ts'

export {
  type AccountKind,
  accountKind,
  type SyncedAccount,
  type SyncedUser,
  type UserWithAccounts,
} from './mirrorData.ts'

// Writes one Better Auth user, with their accounts, into Payload: the user first, then the mirror
// rows, then the links to new rows, so a user Payload refuses leaves no mirror rows behind. Every
// write is signed; nothing is written when Payload already matches, so a reconcile pass over users
// in sync is read-only. A create that loses a race (another writer, a sign-up during a reconcile)
// re-reads the row the winner wrote and updates it.

export interface PayloadWriterOptions<UserData extends object> {
  payload: () => Promise<Payload>
  syncSecret: string
  usersSlug?: string
  collectionPrefix?: string
  mapUserToPayload(user: SyncedUser): UserData
  /**
   * Link a Payload user that has the same email and no Better Auth identity yet (a site adopting
   * the plugin) when Better Auth has verified that email. Default true.
   */
  linkExistingUsers?: boolean
}

export type EnsureResult = 'created' | 'updated' | 'unchanged'

type Doc = Record<string, unknown> & { id: string | number }

/** What Payload holds for one Better Auth user: mirror rows (with their collection) and the user. */
export interface PayloadSnapshot {
  rows: Array<{ collection: string; doc: Doc }>
  user: Doc | undefined
  /** With no `user`: the Payload user that already has this email (adoption candidate). */
  emailHolder?: Doc
  /**
   * The mirror rows of the user's accounts wherever they are (an account may have moved from
   * another user), by `rowKey`; present when the snapshot was taken with the accounts.
   */
  accountRows?: Map<string, Doc>
}

const emptySnapshot = (): PayloadSnapshot => ({ rows: [], user: undefined })

/** Whether every field of `wanted` already has that value in `doc` (relationships by id). */
const matches = (doc: Doc, wanted: Record<string, unknown>): boolean =>
  Object.entries(wanted).every(
    ([field, value]) =>
      comparableValue(doc[field], { anyOrder: true }) ===
      comparableValue(value, { anyOrder: true }),
  )

/** Better Auth stores emails lower-cased and Payload's auth email field lower-cases on write. */
const emailKey = (email: unknown) =>
  String(email ?? '')
    .trim()
    .toLowerCase()

/**
 * An error's message with Payload's field messages: a ValidationError's message names the field
 * only ("The following field is invalid: email"); `data.errors` says what is wrong with it.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const fields = (error as { data?: { errors?: unknown } }).data?.errors
  const details = Array.isArray(fields)
    ? fields
        .map(
          (field: { path?: unknown; message?: unknown }) =>
            `${String(field.path ?? 'field')}: ${String(field.message ?? 'invalid')}`,
        )
        .join('; ')
    : ''
  return details ? `${error.message} (${details})` : error.message
}

export function createPayloadWriter<UserData extends object>(
  options: PayloadWriterOptions<UserData>,
) {
  const usersSlug = options.usersSlug ?? 'users'
  const slugs = mirrorCollectionSlugs(options.collectionPrefix)
  const linkExistingUsers = options.linkExistingUsers ?? true
  const context = (operation: SyncOperation) => ({
    [SYNC_CONTEXT_KEY]: signSyncOperation(options.syncSecret, operation),
  })
  const mirror = createMirrorData({ slugs, mapUserToPayload: options.mapUserToPayload })
  const { rowOf, userDataOf } = mirror
  const newUsers = createNewUsersWriter({ payload: options.payload, usersSlug, slugs, mirror })

  async function findBy(payload: Payload, collection: string, field: string, value: string) {
    const { docs } = await payload.find({
      collection,
      where: { [field]: { equals: value } },
      depth: 0,
      joins: false,
      limit: 1000,
      pagination: false,
      overrideAccess: true,
    })
    return docs as Doc[]
  }

  /**
   * The Payload user whose email is `email`, compared case-insensitively: `like` is
   * case-insensitive but a substring match with wildcards, so the exact match is made here.
   */
  async function findEmailHolder(payload: Payload, email: string): Promise<Doc | undefined> {
    const key = emailKey(email)
    if (!key) return undefined
    const { docs } = await payload.find({
      collection: usersSlug,
      where: { or: [{ email: { equals: key } }, { email: { like: key } }] },
      depth: 0,
      joins: false,
      limit: 100,
      overrideAccess: true,
    })
    return (docs as Doc[]).find((doc) => emailKey(doc.email) === key)
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
        depth: 0,
        // Better Auth verifies emails; Payload's `auth.verify` (kept for its `_verified` field)
        // must not mail its own link to every user the sync creates.
        disableVerificationEmail: true,
        context: context({ op: 'create', collection, id: null, data }),
      })) as Doc
      return { doc, result: 'created' as EnsureResult }
    }
    if (matches(existing, data)) return { doc: existing, result: 'unchanged' as EnsureResult }
    const doc = (await payload.update({
      collection,
      id: existing.id,
      data,
      depth: 0,
      context: context({ op: 'update', collection, id: existing.id, data }),
    })) as Doc
    return { doc, result: 'updated' as EnsureResult }
  }

  /** A mirror row: created, or (when another writer created it first) re-read and updated. */
  async function upsertRow(
    payload: Payload,
    collection: string,
    existing: Doc | undefined,
    data: Record<string, unknown> & { baAccountId: string },
  ) {
    if (existing) return upsert(payload, collection, existing, data)
    try {
      return await upsert(payload, collection, undefined, data)
    } catch (error) {
      const raced = (await findBy(payload, collection, 'baAccountId', data.baAccountId))[0]
      if (!raced) throw error
      return upsert(payload, collection, raced, data)
    }
  }

  /**
   * A Payload user without a Better Auth identity has this user's email. Linking it is safe only
   * when Better Auth has verified the email: anyone may sign up with a staff member's address.
   */
  async function adopt(
    payload: Payload,
    user: SyncedUser,
    holder: Doc,
    data: Record<string, unknown>,
  ) {
    // This user's own row, written by a writer that won a race: no adoption needed.
    if (String(holder.baUserId ?? '') === user.id) return upsert(payload, usersSlug, holder, data)
    if (holder.baUserId) {
      throw new Error(
        `email ${user.email} belongs to Payload user ${holder.id}, which mirrors another Better Auth user (${String(holder.baUserId)}); it is freed when that user's change or deletion reaches Payload (the next full reconcile at the latest)`,
      )
    }
    // The migration from Payload's login made this user for this row: its id says so.
    if (isMigratedUserOf(user.id, holder.id)) return upsert(payload, usersSlug, holder, data)
    if (!linkExistingUsers) {
      throw new Error(
        `email belongs to an existing Payload user (${holder.id}) and linkExistingUsers is false: enable it, or delete or rename that Payload user`,
      )
    }
    if (user.emailVerified !== true) {
      throw new Error(
        `email belongs to an existing Payload user (${holder.id}); verify it in Better Auth to link`,
      )
    }
    return upsert(payload, usersSlug, holder, data)
  }

  /** The user's row: updated, adopted, or created; a lost create race re-reads and updates. */
  async function writeUser(
    payload: Payload,
    user: SyncedUser,
    current: PayloadSnapshot,
    data: Record<string, unknown>,
  ) {
    if (current.user) return upsert(payload, usersSlug, current.user, data)
    if (current.emailHolder) return adopt(payload, user, current.emailHolder, data)
    try {
      return await upsert(payload, usersSlug, undefined, data)
    } catch (error) {
      const raced = (await findBy(payload, usersSlug, 'baUserId', user.id))[0]
      if (raced) return upsert(payload, usersSlug, raced, data)
      const holder = await findEmailHolder(payload, user.email)
      if (holder) return adopt(payload, user, holder, data)
      throw new Error(
        `Payload refused the user: ${describeError(error)}. Correct the user in Better Auth, or relax the field in Payload's users collection`,
        { cause: error },
      )
    }
  }

  /**
   * What Payload holds for these Better Auth users: one query per collection, not per user, plus
   * one for the emails of users Payload does not have yet (adoption candidates).
   */
  async function snapshot(
    users: Array<Pick<SyncedUser, 'id' | 'email'>>,
    accounts?: SyncedAccount[],
  ): Promise<Map<string, PayloadSnapshot>> {
    const payload = await options.payload()
    const byUser = new Map<string, PayloadSnapshot>(users.map((u) => [u.id, emptySnapshot()]))
    if (accounts) {
      const accountRows = new Map<string, Doc>()
      const ids = accounts.map((account) => account.id)
      for (const collection of ids.length > 0 ? Object.values(slugs) : []) {
        const { docs } = await payload.find({
          collection,
          where: { baAccountId: { in: ids } },
          depth: 0,
          joins: false,
          pagination: false,
          overrideAccess: true,
        })
        for (const doc of docs as Doc[])
          accountRows.set(rowKey(collection, String(doc.baAccountId)), doc)
      }
      for (const entry of byUser.values()) entry.accountRows = accountRows
    }
    const where = { baUserId: { in: users.map((u) => u.id) } }
    for (const collection of Object.values(slugs)) {
      const { docs } = await payload.find({
        collection,
        where,
        depth: 0,
        joins: false,
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
      joins: false,
      pagination: false,
      overrideAccess: true,
    })
    for (const doc of docs as Doc[]) {
      const entry = byUser.get(String(doc.baUserId))
      if (entry) entry.user = doc
    }
    // Payload lower-cases the emails it stores, so an exact match on lower-cased addresses finds
    // them; a row written around Payload in another case is found when its create fails.
    const missing = users.filter((u) => !byUser.get(u.id)?.user && emailKey(u.email))
    if (missing.length > 0) {
      const { docs: holders } = await payload.find({
        collection: usersSlug,
        where: { email: { in: missing.map((u) => emailKey(u.email)) } },
        depth: 0,
        joins: false,
        pagination: false,
        overrideAccess: true,
      })
      const byEmail = new Map((holders as Doc[]).map((doc) => [emailKey(doc.email), doc]))
      for (const u of missing) {
        const entry = byUser.get(u.id)
        const holder = byEmail.get(emailKey(u.email))
        if (entry && holder) entry.emailHolder = holder
      }
    }
    return byUser
  }

  return {
    snapshot,
    isNew: newUsers.isNew,
    insertNew: newUsers.insertNew,

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
      const current = known ?? (await snapshot([user])).get(user.id) ?? emptySnapshot()
      const planned: Array<{
        kind: AccountKind
        collection: string
        data: Record<string, unknown> & { baAccountId: string }
        existing: Doc | undefined
      }> = []
      for (const account of accounts) {
        const { kind, collection, data } = rowOf(user, account)
        // Not among the user's rows: it may still exist under another user (an account moved).
        const existing =
          current.rows.find(
            (row) => row.collection === collection && String(row.doc.baAccountId) === account.id,
          )?.doc ??
          (current.accountRows
            ? current.accountRows.get(rowKey(collection, account.id))
            : (await findBy(payload, collection, 'baAccountId', account.id))[0])
        planned.push({ kind, collection, existing, data })
      }
      const userData = (rows: Array<{ kind: AccountKind; id: string | number }>) =>
        userDataOf(user, rows)

      // 1. The user, linked to the rows that exist already: if Payload refuses it, nothing else
      //    has been written.
      const first = await writeUser(
        payload,
        user,
        current,
        userData(planned.flatMap((p) => (p.existing ? [{ kind: p.kind, id: p.existing.id }] : []))),
      )
      let changed = first.result !== 'unchanged'

      // 2. The mirror rows.
      const linked: Array<{ kind: AccountKind; id: string | number }> = []
      for (const item of planned) {
        const { doc, result } = await upsertRow(payload, item.collection, item.existing, item.data)
        changed ||= result !== 'unchanged'
        linked.push({ kind: item.kind, id: doc.id })
      }

      // 3. Accounts unlinked in Better Auth lose their mirror rows (step 1 already unlinked them).
      const keep = new Set(accounts.map((account) => account.id))
      for (const row of current.rows) {
        if (keep.has(String(row.doc.baAccountId))) continue
        await payload.delete({ collection: row.collection, id: row.doc.id, overrideAccess: true })
        changed = true
      }

      // 4. Rows created in step 2 (or re-read after a race) are linked; a no-op when none were.
      const last = await upsert(payload, usersSlug, first.doc, userData(linked))
      changed ||= last.result !== 'unchanged'
      if (first.result === 'created') return 'created'
      return changed ? 'updated' : 'unchanged'
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
