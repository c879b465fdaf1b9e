import type { Payload } from 'payload'

// Reads the users of Payload's own login as the database holds them: Payload's Local API never
// returns `salt` and `hash` (they are hidden fields), its database adapter does.

/** A user row of Payload's local strategy, with what the migration carries over. */
export interface PayloadLoginUser {
  id: string | number
  email: string
  /** Payload's `salt` and `hash` fields; absent for a user who never had a password. */
  password: { salt: string; hash: string } | undefined
  /** Payload's `_verified` (collections with `auth.verify`); undefined when it has none. */
  verified: boolean | undefined
  name: string | undefined
  createdAt: Date | undefined
  /** The row as stored, for the checks of each topology. */
  row: Record<string, unknown>
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)

function toLoginUser(row: Record<string, unknown>): PayloadLoginUser {
  const salt = text(row.salt)
  const hash = text(row.hash)
  const created = text(row.createdAt)
  return {
    id: row.id as string | number,
    email: (text(row.email) ?? '').trim().toLowerCase(),
    password: salt && hash ? { salt, hash } : undefined,
    verified: typeof row._verified === 'boolean' ? row._verified : undefined,
    name: text(row.name),
    createdAt: created ? new Date(created) : undefined,
    row,
  }
}

/** Every user of `usersSlug`, a page at a time in id order (a large base never sits in memory). */
export async function* payloadLoginUsers(
  payload: Payload,
  usersSlug: string,
  pageSize = 100,
): AsyncGenerator<PayloadLoginUser[]> {
  for (let page = 1; ; page++) {
    const { docs, hasNextPage } = await payload.db.find<Record<string, unknown>>({
      collection: usersSlug,
      limit: pageSize,
      page,
      pagination: true,
      sort: 'id',
    })
    yield docs.map(toLoginUser)
    if (!hasNextPage) return
  }
}

/** Payload's password fields cleared once Better Auth holds the hash: one copy of it, not two. */
export async function forgetPayloadPassword(
  payload: Payload,
  usersSlug: string,
  id: string | number,
): Promise<void> {
  await payload.db.updateOne({ collection: usersSlug, id, data: { salt: null, hash: null } })
}
