import type { Payload } from 'payload'
import {
  MAX_LISTED_FAILURES,
  SYNC_FAILURE_TTL_SECONDS,
  SYNC_FAILURES_SINCE_KEY,
} from '../shared/keys.ts'
import { yieldToEventLoop } from '../shared/yieldToEventLoop.ts'
import type { SecondaryStorage } from '../storage/types.ts'
import { syncQueueOf } from './durableQueue.ts'
import {
  type createPayloadWriter,
  describeError,
  type SyncedAccount,
  type SyncedUser,
} from './payloadWriter.ts'

/** The Better Auth database calls a reconcile needs (Better Auth's adapter has them). */
export interface BetterAuthReader {
  findMany<T>(args: {
    model: string
    where?: Array<{ field: string; value: unknown; operator?: 'in' | 'eq' }>
    limit?: number
    offset?: number
    sortBy?: { field: string; direction: 'asc' | 'desc' }
  }): Promise<T[]>
}

export const RECONCILE_PAGE_SIZE = 500
const FAILURE_KIND = 'failure'

/** A Better Auth user the sync could not bring into (or remove from) Payload. */
export interface SyncFailure {
  userId: string
  reason: string
  /** ISO time of the failed attempt. */
  at: string
}

export interface ReconcileResult {
  ensured: number
  removed: number
  /** Users that failed, all of them counted. */
  failed: number
  /** The last `MAX_LISTED_FAILURES` of them (memory stays bounded on any user base). */
  failures: SyncFailure[]
  /** Of `ensured`, the users Payload had nothing of, created in batches through the adapter. */
  bulkInserted: number
  /** Why users Payload had nothing of were written one by one instead (the first reason seen). */
  bulkSkipped?: string
}

/**
 * The failure list `GET /reconcile/status` shows, in the shared storage so that every instance
 * reports the same: records of the storage's sync queue (no key listing), one per user, written by
 * whoever syncs that user last and never lost to a write about someone else.
 */
export function createFailureLog(storage: SecondaryStorage) {
  const records = syncQueueOf(storage)
  const ttlMs = SYNC_FAILURE_TTL_SECONDS * 1000
  const record = (failure: SyncFailure) =>
    records.keep(FAILURE_KIND, failure.userId, JSON.stringify(failure), ttlMs)
  return {
    /** The newest `MAX_LISTED_FAILURES` entries not superseded by the last full reconcile. */
    async list(): Promise<SyncFailure[]> {
      const since = Number(await storage.get(SYNC_FAILURES_SINCE_KEY)) || 0
      const failures: SyncFailure[] = []
      for (const { value } of await records.list(FAILURE_KIND, MAX_LISTED_FAILURES)) {
        try {
          const failure = JSON.parse(value) as SyncFailure
          if (Date.parse(failure.at) >= since) failures.push(failure)
        } catch {
          // Not ours to judge: skip it.
        }
      }
      return failures.sort((a, b) => a.at.localeCompare(b.at))
    },
    /** A full reconcile that started at `startedAt` replaces everything listed before. */
    async replace(failures: SyncFailure[], startedAt: number) {
      for (const failure of failures) await record(failure)
      await storage.set(SYNC_FAILURES_SINCE_KEY, String(startedAt))
    },
    record: (userId: string, error: unknown) =>
      record({ userId, reason: describeError(error), at: new Date().toISOString() }),
    /** After a successful sync of the user. */
    clear: async (userId: string) => {
      await records.take(FAILURE_KIND, userId)
    },
  }
}

/** Every account of these users, in pages: Better Auth caps an unlimited findMany at 100 rows. */
async function allAccountsOf(reader: BetterAuthReader, userIds: string[]) {
  const accounts: Array<SyncedAccount & { userId: string }> = []
  for (let offset = 0; ; offset += RECONCILE_PAGE_SIZE) {
    const page = await reader.findMany<SyncedAccount & { userId: string }>({
      model: 'account',
      where: [{ field: 'userId', operator: 'in', value: userIds }],
      limit: RECONCILE_PAGE_SIZE,
      offset,
      sortBy: { field: 'id', direction: 'asc' },
    })
    accounts.push(...page)
    if (page.length < RECONCILE_PAGE_SIZE) return accounts
  }
}

/**
 * Brings Payload in line with Better Auth, a page of 500 at a time on each side so memory stays
 * bounded: every Better Auth user is ensured (a no-op when Payload already matches), then every
 * Payload user whose Better Auth user is gone is removed. A user that fails (Payload refuses its
 * email, say) is counted and skipped: one bad sign-up must not stop the pass or orphan removal.
 * Reading either side failing still ends the pass (the queue retries it).
 */
export async function fullReconcile({
  reader,
  payload,
  writer,
  usersSlug,
}: {
  reader: BetterAuthReader
  payload: Payload
  writer: ReturnType<typeof createPayloadWriter>
  usersSlug: string
}): Promise<ReconcileResult> {
  let ensured = 0
  let failed = 0
  let bulkInserted = 0
  let bulkSkipped: string | undefined
  const failures: SyncFailure[] = []
  const fail = (userId: string, error: unknown) => {
    failed++
    failures.push({ userId, reason: describeError(error), at: new Date().toISOString() })
    if (failures.length > MAX_LISTED_FAILURES) failures.shift()
  }
  for (let offset = 0; ; offset += RECONCILE_PAGE_SIZE) {
    await yieldToEventLoop()
    const users = await reader.findMany<SyncedUser>({
      model: 'user',
      limit: RECONCILE_PAGE_SIZE,
      offset,
      sortBy: { field: 'id', direction: 'asc' },
    })
    if (users.length === 0) break
    const accounts = await allAccountsOf(
      reader,
      users.map((user) => user.id),
    )
    const byUser = new Map<string, SyncedAccount[]>()
    for (const account of accounts)
      byUser.set(account.userId, [...(byUser.get(account.userId) ?? []), account])
    const entries = users.map((user) => ({ user, accounts: byUser.get(user.id) ?? [] }))
    const known = await writer.snapshot(users, accounts)
    // Users Payload has nothing of are created in batches; the rest, users a field refuses and
    // the users of a batch that failed are ensured one by one.
    const fresh = new Set(entries.filter((entry) => writer.isNew(known.get(entry.user.id), entry)))
    let oneByOne = entries.filter((entry) => !fresh.has(entry))
    if (fresh.size > 0) {
      const bulk = await writer.insertNew([...fresh])
      bulkInserted += fresh.size - bulk.rest.length
      ensured += fresh.size - bulk.rest.length
      const reason =
        bulk.unavailable ??
        (bulk.error === undefined ? undefined : `a batch failed: ${describeError(bulk.error)}`)
      bulkSkipped ??= reason
      oneByOne = [...oneByOne, ...bulk.rest]
      // A failed batch may have kept part of its writes (see inTransaction): read them again.
      if (bulk.error !== undefined && bulk.rest.length > 0) {
        const again = await writer.snapshot(
          bulk.rest.map((entry) => entry.user),
          bulk.rest.flatMap((entry) => entry.accounts),
        )
        for (const [id, snapshot] of again) known.set(id, snapshot)
      }
    }
    for (const [index, { user, accounts: userAccounts }] of oneByOne.entries()) {
      if (index % 10 === 9) await yieldToEventLoop()
      try {
        await writer.ensure(user, userAccounts, known.get(user.id))
        ensured++
      } catch (error) {
        fail(user.id, error)
      }
    }
    if (users.length < RECONCILE_PAGE_SIZE) break
  }

  let removed = 0
  // An orphan that cannot be removed stays on its page: skip it when the page is read again.
  const unremovable = new Set<string>()
  for (let page = 1; ; ) {
    await yieldToEventLoop()
    const { docs, hasNextPage } = await payload.find({
      collection: usersSlug,
      where: { baUserId: { exists: true } },
      limit: RECONCILE_PAGE_SIZE,
      page,
      sort: 'id',
      depth: 0,
      joins: false,
      select: { baUserId: true },
      overrideAccess: true,
    })
    const ids = docs.map((doc) => String((doc as unknown as { baUserId: unknown }).baUserId))
    const alive = new Set(
      ids.length === 0
        ? []
        : (
            await reader.findMany<{ id: string }>({
              model: 'user',
              where: [{ field: 'id', operator: 'in', value: ids }],
              // Better Auth caps an unlimited findMany at 100 rows.
              limit: ids.length,
            })
          ).map((user) => user.id),
    )
    let removedHere = 0
    for (const id of ids) {
      if (alive.has(id) || unremovable.has(id)) continue
      try {
        await writer.remove(id)
        removedHere++
      } catch (error) {
        unremovable.add(id)
        fail(id, new Error(`could not remove the orphan: ${describeError(error)}`))
      }
    }
    removed += removedHere
    // Removing shifts the later rows onto this page: read it again before moving on.
    if (removedHere === 0) {
      if (!hasNextPage) break
      page++
    }
  }
  return { ensured, removed, failed, failures, bulkInserted, bulkSkipped }
}
