import { type CollectionConfig, type Config, deepMerge, type Endpoint, type Field } from 'payload'
import { ACCOUNT_SECURITY_PATH } from './admin/accountSecurityLogic.ts'
import { betterAuthTranslations } from './admin/translations.ts'
import { userManagementField } from './admin/userManagementField.ts'
import { twoFactorEndpoints } from './endpoints/twoFactor.ts'
import type { BetterAuthLoginViewConfig } from './options.ts'

// The admin as Better Auth's console, in either topology: its views (login, forgot and reset
// password, account security, the impersonation banner), the fields it adds to the users
// collection (the account-security link, the user-management panel), the two-factor endpoints,
// and its strings. The synced plugin (`betterAuthPayloadPlugin`) and the shared-database one
// (`betterAuthCollections`) both call this; only where the user's Better Auth id is differs.

export interface AdminConsoleOptions {
  /** Where browsers reach Better Auth, e.g. `http://localhost:3000`. */
  externalBaseURL: string
  /** Where this server reaches Better Auth, e.g. `http://127.0.0.1:3000`. */
  internalBaseURL: string
  /** Better Auth's `basePath`, e.g. `/api/auth`. */
  basePath: string
  usersSlug: string
  /** Replace Payload's login, forgot and reset views with Better Auth's. */
  loginView: boolean
  /** The user-management panel on other users' documents. */
  userManagement: boolean
  /**
   * The field of a users document holding its Better Auth id: `baUserId` (synced topology) or
   * `id` (shared database: the document is Better Auth's user).
   */
  userIdField: 'baUserId' | 'id'
}

/** Payload's `admin` and `i18n` with the console's views and strings; `usersSlug` signs in. */
export function withAdminConsole(
  config: Config,
  usersSlug: string,
  adminConsole: AdminConsoleOptions | undefined,
): Pick<Config, 'admin' | 'i18n'> {
  const admin = config.admin
  const base = { ...admin, user: admin?.user ?? usersSlug }
  if (!adminConsole) return { admin: base, i18n: config.i18n }
  const view: BetterAuthLoginViewConfig = {
    externalBaseURL: adminConsole.externalBaseURL,
    internalBaseURL: adminConsole.internalBaseURL,
    basePath: adminConsole.basePath,
    usersSlug: adminConsole.usersSlug,
  }
  const views = admin?.components?.views ?? {}
  const rsc = (name: string) => ({
    path: `payload-better-auth/rsc#${name}`,
    serverProps: { betterAuth: view },
  })
  // An app's own view under the same key wins, each one separately.
  const own = <T>(key: string, value: T) => (views[key] ? {} : { [key]: value })
  return {
    // The app's own strings win over ours (a translation of them is one file).
    i18n: {
      ...config.i18n,
      translations: deepMerge(betterAuthTranslations, config.i18n?.translations ?? {}),
    },
    admin: {
      ...base,
      components: {
        ...admin?.components,
        // The impersonation banner above every admin page (it renders nothing otherwise).
        header: [
          {
            path: 'payload-better-auth/rsc#ImpersonationBanner',
            serverProps: {
              betterAuthBaseURL: `${adminConsole.externalBaseURL}${adminConsole.basePath}`,
            },
          },
          ...(admin?.components?.header ?? []),
        ],
        views: {
          // The signed-in user's account security, linked from their own document.
          betterAuthAccountSecurity: {
            path: ACCOUNT_SECURITY_PATH,
            exact: true,
            Component: rsc('AccountSecurityView'),
          },
          ...views,
          ...(adminConsole.loginView && !views.login
            ? {
                // Where Payload sends signed-out visitors: its `admin.routes.login`.
                login: {
                  path: admin?.routes?.login ?? '/login',
                  Component: rsc('BetterAuthLoginView'),
                },
                // Better Auth's forgot-password flow in place of Payload's.
                ...own('forgot', {
                  path: admin?.routes?.forgot ?? '/forgot',
                  exact: true,
                  Component: rsc('BetterAuthForgotPasswordView'),
                }),
                ...own('reset', {
                  path: admin?.routes?.reset ?? '/reset',
                  exact: true,
                  Component: rsc('BetterAuthResetPasswordView'),
                }),
              }
            : {}),
        },
      },
    },
  }
}

/**
 * The users collection with the console's fields (the account-security link on one's own
 * document, the user-management panel on others') and the two-factor endpoints.
 */
export function withConsoleFields(
  users: CollectionConfig,
  adminConsole: AdminConsoleOptions,
): CollectionConfig {
  const betterAuthURL = (origin: string) => `${origin}${adminConsole.basePath}`
  const fields: Field[] = [
    accountSecurityLinkField,
    ...(adminConsole.userManagement
      ? [
          userManagementField({
            baseURL: betterAuthURL(adminConsole.externalBaseURL),
            userIdField: adminConsole.userIdField,
          }),
        ]
      : []),
  ]
  const endpoints: Endpoint[] = twoFactorEndpoints({
    baseURL: betterAuthURL(adminConsole.internalBaseURL),
    usersSlug: adminConsole.usersSlug,
    userIdField: adminConsole.userIdField,
  })
  return {
    ...users,
    endpoints: users.endpoints === false ? false : [...endpoints, ...(users.endpoints ?? [])],
    fields: [...users.fields, ...fields],
  }
}

/** Shows only on one's own document: a link to `<admin>/account/security`. */
const accountSecurityLinkField: Field = {
  name: 'betterAuthAccountSecurity',
  type: 'ui',
  admin: {
    position: 'sidebar',
    components: { Field: 'payload-better-auth/client#AccountSecurityLink' },
  },
}
