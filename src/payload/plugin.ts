import { randomBytes } from 'node:crypto'
import type { Config, Plugin } from 'payload'
import { DEFAULT_COLLECTION_PREFIX, mirrorCollectionSlugs } from '../shared/collectionSlugs.ts'
import { BETTER_AUTH_DEV_SECRET, requireSecret, SYNC_DEV_SECRET } from '../shared/secrets.ts'
import { assertSupportedVersions } from '../shared/versionCheck.ts'
import { type AdminConsoleOptions, withAdminConsole, withConsoleFields } from './adminConfig.ts'
import { narrowAccessForApiKeys } from './apiKeyPermissions.ts'
import { betterAuthApi } from './betterAuthApi.ts'
import { credentialsStrategy } from './credentials/index.ts'
import { defaultAccessWarning, rulesOnPayloadDefault } from './defaultAccessWarning.ts'
import { writeThroughHooks } from './hooks/writeThrough.ts'
import { endBetterAuthSessionOnLogout } from './logout.ts'
import { mirrorCollections } from './mirrorCollections.ts'
import type { BetterAuthPayloadPluginOptions } from './options.ts'
import { announcePayloadStart, PLUGIN_OPTIONS_KEY } from './startup.ts'
import { createSyncGuard } from './syncGuard.ts'
import { DEFAULT_ADMIN_ROLES } from './usersAccess.ts'
import { usersCollection } from './usersCollection.ts'

const OWNER = '[payload] betterAuthPayloadPlugin'

/**
 * The Payload half: extends the users collection with the Better Auth session strategy and the
 * sync's fields, adds the mirror collections, and announces Payload's start to Better Auth.
 */
export function betterAuthPayloadPlugin(options: BetterAuthPayloadPluginOptions): Plugin {
  assertSupportedVersions(OWNER)
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
    const basePath = client.basePath ?? '/api/auth'
    // The same order Better Auth reads its secret in.
    const betterAuthSecret = disabled
      ? ''
      : requireSecret(
          'BETTER_AUTH_SECRET',
          options.betterAuthSecret ?? (process.env.BETTER_AUTH_SECRET || process.env.AUTH_SECRET),
          { owner: OWNER, devFallback: BETTER_AUTH_DEV_SECRET },
        )
    const strategy = disabled
      ? undefined
      : credentialsStrategy({
          storage,
          usersSlug,
          betterAuthSecret,
          cookies: client,
          siteURL: client.externalBaseURL,
          betterAuthURL: `${client.internalBaseURL}${basePath}`,
          syncSecret,
        })
    const afterLogout = disabled
      ? undefined
      : endBetterAuthSessionOnLogout({
          storage,
          betterAuthSecret,
          cookies: client,
          signOutURL: `${client.internalBaseURL}${basePath}/sign-out`,
          revokeSessionsURL: `${client.internalBaseURL}${basePath}/revoke-sessions`,
          externalOrigin: new URL(client.externalBaseURL).origin,
        })

    const collections = config.collections ?? []
    const existing = collections.find((collection) => collection.slug === usersSlug)
    const syncWrite = guard.syncAccess(usersSlug)
    const writeThrough = disabled
      ? undefined
      : writeThroughHooks({
          call: betterAuthApi({ baseURL: `${client.internalBaseURL}${basePath}` }),
          isSyncWrite: (req) => syncWrite({ req }),
        })
    const adminConsole: AdminConsoleOptions | undefined = disabled
      ? undefined
      : {
          externalBaseURL: client.externalBaseURL,
          internalBaseURL: client.internalBaseURL,
          basePath,
          usersSlug,
          loginView: options.adminLoginView !== false,
          userManagement: options.adminUserManagement !== false,
          userIdField: 'baUserId',
        }
    const synced = usersCollection({
      existing,
      usersSlug,
      slugs,
      guard,
      adminRoles: options.adminRoles ?? DEFAULT_ADMIN_ROLES,
      writeThrough,
      strategy,
      afterLogout,
    })
    const users = adminConsole ? withConsoleFields(synced, adminConsole) : synced
    const mirrors = mirrorCollections({
      slugs,
      usersSlug,
      guard,
      debug,
      access: options.baCollectionsAccess,
    })
    const siteOrigin = new URL(client.externalBaseURL).origin
    const next: Config = {
      ...config,
      custom: { ...config.custom, [PLUGIN_OPTIONS_KEY]: options },
      // Payload checks the Origin of cookie-authenticated requests only against a non-empty list:
      // the site's own origin turns the check on (as Payload's `serverURL` would).
      csrf:
        disabled || config.csrf?.includes(siteOrigin)
          ? config.csrf
          : [...(config.csrf ?? []), siteOrigin],
      ...withAdminConsole(config, usersSlug, adminConsole),
      collections: existing
        ? [...collections.map((c) => (c === existing ? users : c)), ...mirrors]
        : [users, ...collections, ...mirrors],
    }
    if (disabled) return next

    // Named once per start: the users collection and the mirrors have rules of their own.
    const openRules = defaultAccessWarning(
      rulesOnPayloadDefault(next, new Set([usersSlug, ...Object.values(slugs)])),
    )
    // After the warning has looked: it names the rules the app left out, which this fills in.
    Object.assign(next, narrowAccessForApiKeys(next))
    const graphQLClash =
      config.graphQL?.disable !== true && Object.values(slugs).some((slug) => slug.startsWith('__'))
    const onInit = config.onInit
    next.onInit = async (payload) => {
      await onInit?.(payload)
      if (openRules) payload.logger.warn(openRules)
      if (graphQLClash) {
        // Payload names GraphQL types after slugs, and GraphQL reserves names that begin with "__".
        payload.logger.warn(
          `[payload-better-auth] Payload's GraphQL API cannot build its schema: the mirror collections (${Object.values(slugs).join(', ')}) begin with "__", which GraphQL reserves. Set collectionPrefix (in both plugins) to e.g. 'better_auth', or graphQL: { disable: true } if you do not use GraphQL.`,
        )
      }
      await announcePayloadStart({
        storage,
        eventBus,
        warmupURL: new URL(`${basePath}/warmup`, client.internalBaseURL).toString(),
        probe: {
          syncSecret,
          settings: {
            basePath,
            usersSlug,
            collectionPrefix: options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX,
          },
          logError: (message) => payload.logger.error(message),
        },
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
