import { randomBytes } from 'node:crypto'
import type { Config, Plugin } from 'payload'
import { mirrorCollectionSlugs } from '../shared/collectionSlugs.ts'
import { BETTER_AUTH_DEV_SECRET, requireSecret, SYNC_DEV_SECRET } from '../shared/secrets.ts'
import { sessionCookieNames } from '../shared/sessionToken.ts'
import { mirrorCollections } from './mirrorCollections.ts'
import type { BetterAuthPayloadPluginOptions } from './options.ts'
import { betterAuthStrategy } from './sessionStrategy.ts'
import { announcePayloadStart } from './startup.ts'
import { createSyncGuard } from './syncGuard.ts'
import { usersCollection } from './usersCollection.ts'

const OWNER = '[payload] betterAuthPayloadPlugin'

/**
 * The Payload half: extends the users collection with the Better Auth session strategy and the
 * sync's fields, adds the mirror collections, and announces Payload's start to Better Auth.
 */
export function betterAuthPayloadPlugin(options: BetterAuthPayloadPluginOptions): Plugin {
  return (config: Config): Config => {
    const { storage, eventBus, betterAuthClientOptions: client } = options
    if (!storage || !eventBus || !client) {
      throw new TypeError(`${OWNER}: storage, eventBus and betterAuthClientOptions are required`)
    }
    const disabled = options.disabled === true
    const debug = options.debug === true
    const usersSlug = options.usersSlug ?? 'users'
    const slugs = mirrorCollectionSlugs(options.collectionPrefix)

    // Disabled: the schema stays, but nothing verifies (a random key refuses every signed write).
    const syncSecret = disabled
      ? randomBytes(32).toString('hex')
      : requireSecret('BA_TO_PAYLOAD_SECRET', options.syncSecret, {
          owner: OWNER,
          devFallback: SYNC_DEV_SECRET,
        })
    const guard = createSyncGuard({ syncSecret, storage })
    const strategy = disabled
      ? undefined
      : betterAuthStrategy({
          storage,
          usersSlug,
          // The same order Better Auth reads its secret in.
          betterAuthSecret: requireSecret(
            'BETTER_AUTH_SECRET',
            options.betterAuthSecret ?? (process.env.BETTER_AUTH_SECRET || process.env.AUTH_SECRET),
            {
              owner: OWNER,
              devFallback: BETTER_AUTH_DEV_SECRET,
            },
          ),
          cookieNames: sessionCookieNames(client),
        })

    const collections = config.collections ?? []
    const existing = collections.find((collection) => collection.slug === usersSlug)
    const users = usersCollection({ existing, usersSlug, slugs, guard, strategy })
    const mirrors = mirrorCollections({
      slugs,
      usersSlug,
      guard,
      debug,
      access: options.baCollectionsAccess,
    })
    const next: Config = {
      ...config,
      admin: { ...config.admin, user: config.admin?.user ?? usersSlug },
      collections: existing
        ? [...collections.map((c) => (c === existing ? users : c)), ...mirrors]
        : [users, ...collections, ...mirrors],
    }
    if (disabled) return next

    const basePath = client.basePath ?? '/api/auth'
    const onInit = config.onInit
    next.onInit = async (payload) => {
      await onInit?.(payload)
      await announcePayloadStart({
        storage,
        eventBus,
        warmupURL: new URL(`${basePath}/warmup`, client.internalBaseURL).toString(),
      })
      if (debug) {
        console.log(
          `[payload] Better Auth sessions authenticate "${usersSlug}"; mirror collections: ${Object.values(slugs).join(', ')}`,
        )
      }
    }
    return next
  }
}
