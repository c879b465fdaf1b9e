import type { Access, CollectionConfig, Field } from 'payload'
import { type MirrorCollectionSlugs, userAccountFields } from '../shared/collectionSlugs.ts'
import { orAccess } from './orAccess.ts'
import type { SyncGuard } from './syncGuard.ts'

export const DEBUG_GROUP = 'Better Auth (DEBUG)'

interface MirrorOptions {
  slugs: MirrorCollectionSlugs
  usersSlug: string
  guard: SyncGuard
  debug: boolean
  access?: { read?: Access; delete?: Access }
}

const signedIn: Access = ({ req }) => Boolean(req.user)
const nobody: Access = () => false

/**
 * The collections that mirror Better Auth accounts: one for email/password, one for magic links,
 * one for social (OAuth) accounts. Only the signed sync creates or updates rows; who else may read
 * or delete them is `baCollectionsAccess` (default: signed-in users in debug mode, else nobody).
 */
export function mirrorCollections({
  slugs,
  usersSlug,
  guard,
  debug,
  access,
}: MirrorOptions): CollectionConfig[] {
  const collection = (
    slug: string,
    labels: { singular: string; plural: string },
    joinOn: string,
    fields: Field[],
  ): CollectionConfig => {
    const sync = guard.syncAccess(slug)
    return {
      slug,
      labels,
      admin: { group: DEBUG_GROUP, hidden: !debug, useAsTitle: 'baAccountId' },
      access: {
        create: sync,
        update: sync,
        read: orAccess(sync, access?.read ?? (debug ? signedIn : nobody)),
        delete: orAccess(sync, access?.delete ?? nobody),
      },
      hooks: { beforeOperation: [guard.verifyWrites({ signedOnly: true })] },
      fields: [
        { name: 'baAccountId', type: 'text', required: true, unique: true, index: true },
        { name: 'baUserId', type: 'text', required: true, index: true },
        ...fields,
        { name: 'user', type: 'join', collection: usersSlug, on: joinOn },
      ].map((field) => ({ ...field, admin: { readOnly: true } }) as Field),
    }
  }

  const emailFields: Field[] = [
    { name: 'email', type: 'text', index: true },
    { name: 'emailVerified', type: 'checkbox', defaultValue: false },
  ]
  return [
    collection(
      slugs.emailPassword,
      { singular: 'Email/password account', plural: 'Email/password accounts' },
      userAccountFields.emailPassword,
      emailFields,
    ),
    collection(
      slugs.magicLink,
      { singular: 'Magic link account', plural: 'Magic link accounts' },
      userAccountFields.magicLink,
      emailFields,
    ),
    collection(
      slugs.social,
      { singular: 'Social account', plural: 'Social accounts' },
      userAccountFields.social,
      [
        { name: 'providerId', type: 'text', required: true, index: true },
        { name: 'accountId', type: 'text', required: true },
        ...emailFields,
      ],
    ),
  ]
}
