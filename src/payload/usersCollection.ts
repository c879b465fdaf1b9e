import type { Access, CollectionAfterLogoutHook, CollectionConfig, Field } from 'payload'
import { type MirrorCollectionSlugs, userAccountFields } from '../shared/collectionSlugs.ts'
import { orAccess } from './orAccess.ts'
import type { SyncGuard } from './syncGuard.ts'

// Payload's default for an access rule the app did not write: any signed-in user.
const payloadDefault: Access = ({ req }) => Boolean(req.user)

interface UsersOptions {
  existing: CollectionConfig | undefined
  usersSlug: string
  slugs: MirrorCollectionSlugs
  guard: SyncGuard
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
 */
export function usersCollection({
  existing,
  usersSlug,
  slugs,
  guard,
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
      create: orAccess(sync, access.create ?? payloadDefault),
      read: orAccess(sync, access.read ?? payloadDefault),
      update: orAccess(sync, access.update ?? payloadDefault),
      delete: orAccess(sync, access.delete ?? payloadDefault),
    },
    hooks: {
      ...base.hooks,
      beforeOperation: [
        guard.verifyWrites({ signedOnly: false }),
        ...(base.hooks?.beforeOperation ?? []),
      ],
      afterLogout: [...(base.hooks?.afterLogout ?? []), ...(afterLogout ? [afterLogout] : [])],
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
