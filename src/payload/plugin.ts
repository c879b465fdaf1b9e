import { randomBytes } from 'node:crypto'
import { type Config, deepMerge, type Plugin } from 'payload'
import { mirrorCollectionSlugs } from '../shared/collectionSlugs.ts'
import { BETTER_AUTH_DEV_SECRET, requireSecret, SYNC_DEV_SECRET } from '../shared/secrets.ts'
import { ACCOUNT_SECURITY_PATH } from './admin/accountSecurityLogic.ts'
import { betterAuthTranslations } from './admin/translations.ts'
import { userManagementField } from './admin/userManagementField.ts'
import { narrowAccessForApiKeys } from './apiKeyPermissions.ts'
import { betterAuthApi } from './betterAuthApi.ts'
import { credentialsStrategy } from './credentials/index.ts'
import { defaultAccessWarning, rulesOnPayloadDefault } from './defaultAccessWarning.ts'
import { twoFactorEndpoints } from './endpoints/twoFactor.ts'
import { writeThroughHooks } from './hooks/writeThrough.ts'
import { endBetterAuthSessionOnLogout } from './logout.ts'
import { mirrorCollections } from './mirrorCollections.ts'
import type { BetterAuthLoginViewConfig, BetterAuthPayloadPluginOptions } from './options.ts'
import { announcePayloadStart } from './startup.ts'
import { createSyncGuard } from './syncGuard.ts'
import { DEFAULT_ADMIN_ROLES } from './usersAccess.ts'
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
    const users = usersCollection({
      existing,
      usersSlug,
      slugs,
      guard,
      adminRoles: options.adminRoles ?? DEFAULT_ADMIN_ROLES,
      writeThrough,
      strategy,
      afterLogout,
      accountSecurity: !disabled,
      endpoints: disabled
        ? undefined
        : twoFactorEndpoints({ baseURL: `${client.internalBaseURL}${basePath}`, usersSlug }),
      manageField:
        disabled || options.adminUserManagement === false
          ? undefined
          : userManagementField({ baseURL: `${client.externalBaseURL}${basePath}` }),
    })
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
      // Payload checks the Origin of cookie-authenticated requests only against a non-empty list:
      // the site's own origin turns the check on (as Payload's `serverURL` would).
      csrf:
        disabled || config.csrf?.includes(siteOrigin)
          ? config.csrf
          : [...(config.csrf ?? []), siteOrigin],
      // The app's own strings win over ours (a translation of them is one file).
      i18n: {
        ...config.i18n,
        translations: deepMerge(betterAuthTranslations, config.i18n?.translations ?? {}),
      },
      admin: adminConfig(config.admin, {
        usersSlug,
        betterAuthBaseURL: disabled ? undefined : `${client.externalBaseURL}${basePath}`,
        accountSecurityView: disabled
          ? undefined
          : {
              externalBaseURL: client.externalBaseURL,
              internalBaseURL: client.internalBaseURL,
              basePath,
              usersSlug,
            },
        loginView:
          !disabled && options.adminLoginView !== false
            ? {
                externalBaseURL: client.externalBaseURL,
                internalBaseURL: client.internalBaseURL,
                basePath,
                usersSlug,
              }
            : undefined,
      }),
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

/**
 * The admin signs in as `usersSlug`, through the Better Auth login view when it is on. An app's own
 * login view (`admin.components.views.login`) wins.
 */
function adminConfig(
  admin: Config['admin'],
  {
    usersSlug,
    loginView,
    accountSecurityView,
    betterAuthBaseURL,
  }: {
    usersSlug: string
    loginView?: BetterAuthLoginViewConfig
    accountSecurityView?: BetterAuthLoginViewConfig
    /** Better Auth as the browser reaches it; absent when the plugin is disabled. */
    betterAuthBaseURL?: string
  },
): Config['admin'] {
  const views = admin?.components?.views ?? {}
  // The signed-in user's account security (linked from their own document); an app's own view
  // under the same key wins.
  const accountSecurity = accountSecurityView && {
    betterAuthAccountSecurity: {
      path: ACCOUNT_SECURITY_PATH,
      exact: true,
      Component: {
        path: 'payload-better-auth/rsc#AccountSecurityView',
        serverProps: { betterAuth: accountSecurityView },
      },
    },
  }
  return {
    ...admin,
    user: admin?.user ?? usersSlug,
    components: {
      ...admin?.components,
      // The impersonation banner above every admin page (it renders nothing otherwise).
      header: betterAuthBaseURL
        ? [
            {
              path: 'payload-better-auth/rsc#ImpersonationBanner',
              serverProps: { betterAuthBaseURL },
            },
            ...(admin?.components?.header ?? []),
          ]
        : admin?.components?.header,
      views: {
        ...accountSecurity,
        ...(loginView && !views.login
          ? {
              ...views,
              login: {
                // Where Payload sends signed-out visitors: its `admin.routes.login`.
                path: admin?.routes?.login ?? '/login',
                Component: {
                  path: 'payload-better-auth/rsc#BetterAuthLoginView',
                  serverProps: { betterAuth: loginView },
                },
              },
              // Better Auth's forgot-password flow in place of Payload's (an app's own wins).
              ...(views.forgot
                ? {}
                : {
                    forgot: {
                      path: admin?.routes?.forgot ?? '/forgot',
                      exact: true,
                      Component: {
                        path: 'payload-better-auth/rsc#BetterAuthForgotPasswordView',
                        serverProps: { betterAuth: loginView },
                      },
                    },
                  }),
              ...(views.reset
                ? {}
                : {
                    reset: {
                      path: admin?.routes?.reset ?? '/reset',
                      exact: true,
                      Component: {
                        path: 'payload-better-auth/rsc#BetterAuthResetPasswordView',
                        serverProps: { betterAuth: loginView },
                      },
                    },
                  }),
            }
          : views),
      },
    },
  }
}
