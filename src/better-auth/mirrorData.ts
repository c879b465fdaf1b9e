import { type MirrorCollectionSlugs, userAccountFields } from '../shared/collectionSlugs.ts'

// What the sync writes for one Better Auth user: a mirror row per account, and the Payload user's
// data (the app's mapping, the identity, the links to those rows). Shared by the one-by-one writer
// and the batches of new users.

export type AccountKind = keyof typeof userAccountFields

/** The users collection's fields the plugin adds (and guards with its own hooks). */
export const PLUGIN_USER_FIELDS: ReadonlySet<string> = new Set([
  'baUserId',
  ...Object.values(userAccountFields),
])

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

/** A Better Auth user with its accounts, as the sync writes them. */
export interface UserWithAccounts {
  user: SyncedUser
  accounts: SyncedAccount[]
}

/** A mirror row's key in a snapshot: its collection and Better Auth account id. */
export const rowKey = (collection: string, accountId: string) => `${collection}\u0000${accountId}`

export function createMirrorData({
  slugs,
  mapUserToPayload,
}: {
  slugs: MirrorCollectionSlugs
  mapUserToPayload(user: SyncedUser): object
}) {
  /** The mirror row of one account: its kind, collection and data. */
  const rowOf = (user: SyncedUser, account: SyncedAccount) => {
    const kind = accountKind(account.providerId)
    return {
      kind,
      collection: slugs[kind],
      data: {
        baAccountId: account.id,
        baUserId: user.id,
        email: user.email,
        emailVerified: user.emailVerified === true,
        ...(kind === 'social'
          ? { providerId: account.providerId, accountId: account.accountId }
          : {}),
      } as Record<string, unknown> & { baAccountId: string },
    }
  }

  /** The user's links to these mirror rows. */
  const linksOf = (rows: Array<{ kind: AccountKind; id: string | number }>) => {
    const of = (kind: AccountKind) => rows.filter((row) => row.kind === kind).map((r) => r.id)
    return {
      [userAccountFields.emailPassword]: of('emailPassword')[0] ?? null,
      [userAccountFields.magicLink]: of('magicLink')[0] ?? null,
      [userAccountFields.social]: of('social'),
    }
  }

  /** The Payload user's data: the app's mapping, the identity and the links to these rows. */
  const userDataOf = (
    user: SyncedUser,
    rows: Array<{ kind: AccountKind; id: string | number }>,
  ): Record<string, unknown> => ({
    ...mapUserToPayload(user),
    baUserId: user.id,
    ...linksOf(rows),
  })

  return { rowOf, linksOf, userDataOf }
}

export type MirrorData = ReturnType<typeof createMirrorData>
