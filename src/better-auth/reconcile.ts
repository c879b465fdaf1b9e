import type { Payload } from 'payload'
import type { createPayloadWriter, SyncedAccount, SyncedUser } from './payloadWriter.ts'

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
 * Payload user whose Better Auth user is gone is removed.
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
}): Promise<{ ensured: number; removed: number }> {
  let ensured = 0
  for (let offset = 0; ; offset += RECONCILE_PAGE_SIZE) {
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
    const known = await writer.snapshot(users.map((user) => user.id))
    for (const user of users) {
      await writer.ensure(user, byUser.get(user.id) ?? [], known.get(user.id))
      ensured++
    }
    if (users.length < RECONCILE_PAGE_SIZE) break
  }

  let removed = 0
  for (let page = 1; ; ) {
    const { docs, hasNextPage } = await payload.find({
      collection: usersSlug,
      where: { baUserId: { exists: true } },
      limit: RECONCILE_PAGE_SIZE,
      page,
      sort: 'id',
      depth: 0,
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
      if (alive.has(id)) continue
      await writer.remove(id)
      removedHere++
    }
    removed += removedHere
    // Removing shifts the later rows onto this page: read it again before moving on.
    if (removedHere === 0) {
      if (!hasNextPage) break
      page++
    }
  }
  return { ensured, removed }
}
