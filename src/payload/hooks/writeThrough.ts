import type {
  CollectionBeforeChangeHook,
  CollectionBeforeDeleteHook,
  PayloadRequest,
} from 'payload'
import { userAccountFields } from '../../shared/collectionSlugs.ts'
import { comparableValue } from '../../shared/fieldValue.ts'
import { pluginHook } from '../../shared/pluginHooks.ts'
import {
  WRITE_THROUGH_PATHS,
  type WriteThroughCreateBody,
  type WriteThroughCreateResult,
  type WriteThroughDeleteBody,
  type WriteThroughUpdateBody,
  type WriteThroughUpdateResult,
} from '../../shared/writeThrough.ts'
import type { BetterAuthCall } from '../betterAuthApi.ts'

// Users are Better Auth's. A create, an edit or a delete made in Payload on behalf of a user (admin
// form, REST, GraphQL, Local API with `user`) is carried out by Better Auth first, with that user's
// session, and Payload stores what Better Auth answers. The server's own Local API calls without a
// user (the sync among them) are trusted, as Payload trusts them.

/** Fields that are Payload's bookkeeping, never sent to Better Auth. */
const PAYLOAD_FIELDS = new Set([
  'id',
  'createdAt',
  'updatedAt',
  'collection',
  '_strategy',
  'password',
  'confirm-password',
  'hash',
  'salt',
  'sessions',
  'baUserId',
  ...Object.values(userAccountFields),
])

interface WriteThroughHooks {
  beforeChange: CollectionBeforeChangeHook
  beforeDelete: CollectionBeforeDeleteHook
}

export function writeThroughHooks({
  call,
  isSyncWrite,
}: {
  call: BetterAuthCall
  /** True while the request runs a verified (signed) sync write. */
  isSyncWrite(req: PayloadRequest): boolean
}): WriteThroughHooks {
  const onBehalfOfUser = (req: PayloadRequest) => Boolean(req.user) && !isSyncWrite(req)

  const hooks: WriteThroughHooks = {
    async beforeChange({ data, originalDoc, operation, req }) {
      if (!onBehalfOfUser(req)) return data
      if (operation === 'create') {
        const { password, ...rest } = data as Record<string, unknown>
        const fields = Object.fromEntries(
          Object.entries(rest).filter(([key]) => !PAYLOAD_FIELDS.has(key)),
        )
        const created = await call<WriteThroughCreateResult>(
          WRITE_THROUGH_PATHS.createUser,
          {
            data: fields,
            ...(typeof password === 'string' && password ? { password } : {}),
          } satisfies WriteThroughCreateBody,
          req,
        )
        return { ...fields, ...created.data, baUserId: created.userId }
      }
      const baUserId = (originalDoc as { baUserId?: unknown } | undefined)?.baUserId
      // A row with no Better Auth identity (made before the plugin): nothing to write through.
      if (typeof baUserId !== 'string' || !baUserId) return data
      const changed = Object.fromEntries(
        Object.entries(data as Record<string, unknown>).filter(
          ([key, value]) =>
            !PAYLOAD_FIELDS.has(key) &&
            comparableValue(value) !==
              comparableValue((originalDoc as Record<string, unknown>)[key]),
        ),
      )
      if (Object.keys(changed).length === 0) return data
      const result = await call<WriteThroughUpdateResult>(
        WRITE_THROUGH_PATHS.updateUser,
        { userId: baUserId, data: changed } satisfies WriteThroughUpdateBody,
        req,
      )
      return { ...data, ...result.data }
    },

    async beforeDelete({ collection, id, req }) {
      if (!onBehalfOfUser(req)) return
      const doc = await req.payload.findByID({
        collection: collection.slug,
        id,
        depth: 0,
        overrideAccess: true,
        disableErrors: true,
        req,
      })
      const baUserId = (doc as { baUserId?: unknown } | null)?.baUserId
      if (typeof baUserId !== 'string' || !baUserId) return
      await call(
        WRITE_THROUGH_PATHS.deleteUser,
        { userId: baUserId } satisfies WriteThroughDeleteBody,
        req,
      )
    },
  }
  pluginHook(hooks.beforeChange)
  pluginHook(hooks.beforeDelete)
  return hooks
}
