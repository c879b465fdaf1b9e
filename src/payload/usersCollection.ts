import type { CollectionAfterLogoutHook, CollectionConfig, Field } from 'payload'
import { type MirrorCollectionSlugs, userAccountFields } from '../shared/collectionSlugs.ts'
import type { writeThroughHooks } from './hooks/writeThrough.ts'
import { withBetterAuthMe } from './meHook.ts'
import { orAccess } from './orAccess.ts'
import type { SyncGuard } from './syncGuard.ts'
import { adminRoleAccess, nobody, selfOnly } from './usersAccess.ts'

interface UsersOptions {
  existing: CollectionConfig | undefined
  usersSlug: string
  slugs: MirrorCollectionSlugs
  guard: SyncGuard
  /** Better Auth roles that may open the admin and create users (`access.admin`, `access.create`). */
  adminRoles: readonly string[]
  /** Carries edits made in Payload out through Better Auth; absent when the plugin is disabled. */
  writeThrough?: ReturnType<typeof writeThroughHooks>
  /** Ends the Better Auth session on Payload's logout; absent when the plugin is disabled. */
  afterLogout?: CollectionAfterLogoutHook
  /** The `better-auth` strategy; absent when the plugin is disabled. */
  strategy?: NonNullable<
    Exclude<CollectionConfig['auth'], boolean | undefined>['strategies']
  >[number]
}

/**
 * The app's users collection (or a minimal one) with what the sync needs: `baUserId` and the
 * account relationships, writable only by the signed sync; every access rule of the app kept and
 * OR'd with the sync's; Payload's password login off, so creating a mirrored user costs no hash.
 *
 * Every Better Auth sign-up is a user here, so a rule the app did not write is never Payload's "any
 * signed-in user": read and update oneself, create only for admin roles (and then through Better
 * Auth, which decides), delete nobody, open the admin only with an admin role.
 */
export function usersCollection({
  existing,
  usersSlug,
  slugs,
  guard,
  adminRoles,
  writeThrough,
  strategy,
  afterLogout,
}: UsersOptions): CollectionConfig {
  const sync = guard.syncAccess(usersSlug)
  const syncedField = { create: sync, update: sync }
  const protect = guard.protectField(usersSlug)
  const base: CollectionConfig = existing ?? {
    slug: usersSlug,
    admin: { useAsTitle: 'email' },
    fields: [{ name: 'name', type: 'text' }],
  }
  const auth = typeof base.auth === 'object' ? base.auth : {}

  const relationship = (name: string, relationTo: string, hasMany: boolean): Field =>
    ({
      name,
      type: 'relationship',
      relationTo,
      hasMany,
      access: syncedField,
      hooks: { beforeValidate: [protect] },
      admin: { readOnly: true, position: 'sidebar' },
    }) as Field

  const access = base.access ?? {}
  return {
    ...base,
    auth: {
      ...auth,
      disableLocalStrategy: { enableFields: true, optionalPassword: true },
      strategies: [...(auth.strategies ?? []), ...(strategy ? [strategy] : [])],
    },
    access: {
      ...access,
      admin: access.admin ?? adminRoleAccess(adminRoles),
      create: orAccess(sync, access.create ?? adminRoleAccess(adminRoles)),
      read: orAccess(sync, access.read ?? selfOnly),
      update: orAccess(sync, access.update ?? selfOnly),
      delete: orAccess(sync, access.delete ?? nobody),
    },
    hooks: {
      ...base.hooks,
      beforeOperation: [
        guard.verifyWrites({ signedOnly: false }),
        ...(base.hooks?.beforeOperation ?? []),
      ],
      // Last, after the app's own hooks: what reaches Better Auth is what the app would have saved.
      beforeChange: [
        ...(base.hooks?.beforeChange ?? []),
        ...(writeThrough ? [writeThrough.beforeChange] : []),
      ],
      beforeDelete: [
        ...(base.hooks?.beforeDelete ?? []),
        ...(writeThrough ? [writeThrough.beforeDelete] : []),
      ],
      afterLogout: [...(base.hooks?.afterLogout ?? []), ...(afterLogout ? [afterLogout] : [])],
      // `/me` for Better Auth credentials, which Payload would decode as its own JWT.
      ...(strategy ? { me: withBetterAuthMe(base.hooks) } : {}),
    },
    fields: [
      ...base.fields,
      {
        name: 'baUserId',
        label: 'Better Auth user id',
        type: 'text',
        unique: true,
        index: true,
        access: syncedField,
        hooks: { beforeValidate: [protect] },
        admin: { readOnly: true, position: 'sidebar' },
      },
      relationship(userAccountFields.emailPassword, slugs.emailPassword, false),
      relationship(userAccountFields.magicLink, slugs.magicLink, false),
      relationship(userAccountFields.social, slugs.social, true),
    ],
  }
}
