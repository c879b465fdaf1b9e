import type { AuthStrategy } from 'payload'
import { API_KEY_VERIFICATION_PATH } from '../../shared/apiKeyVerification.ts'
import type { PublishedConfig } from '../../shared/publishedConfig.ts'
import {
  betterAuthCookieNames,
  type SessionCookieOptions,
  sessionCookieNames,
} from '../../shared/sessionToken.ts'
import type { SecondaryStorage } from '../../storage/types.ts'
import { apiKeyKind } from './apiKey.ts'
import { cookieCacheKind } from './cookieCache.ts'
import { jwtKind } from './jwt.ts'
import { publishedConfigReader } from './publishedConfig.ts'
import { sessionKind } from './session.ts'
import { sessionRefresher } from './sessionRefresh.ts'
import { betterAuthStrategy } from './strategy.ts'
import type { CredentialKind } from './types.ts'

export { STRATEGY_NAME } from './strategy.ts'

export interface CredentialsOptions {
  /** The storage Better Auth keeps its sessions in (its `secondaryStorage`). */
  storage: SecondaryStorage
  usersSlug: string
  betterAuthSecret: string
  /** Better Auth's cookie options, and the site's URL (an https site means `__Secure-` cookies). */
  cookies: SessionCookieOptions
  siteURL?: string
  /**
   * Better Auth's base path as this server reaches it (`http://127.0.0.1:3000/api/auth`): for sliding
   * sessions. Without it sessions still authenticate but are never extended from Payload.
   */
  betterAuthURL?: string
  /**
   * Better Auth's rules, when this side knows its options (the shared-database topology). Default:
   * what the Better Auth plugin published in the storage.
   */
  config?: PublishedConfig
  /**
   * The secret both plugins share (BA_TO_PAYLOAD_SECRET): signs the questions Payload asks Better
   * Auth about API keys. Without it (or `betterAuthURL`) API keys authenticate nobody.
   */
  syncSecret?: string
  /** See `BetterAuthStrategyOptions.userIdField`. */
  userIdField?: string
  log?: (message: string) => void
}

/**
 * The `better-auth` strategy with every credential kind this server can check, in the order they
 * are asked: the cookie cache (no storage read), the session cookie or bearer token, a JWT from the
 * jwt plugin (when Better Auth is reachable at `betterAuthURL`), an API key (with `syncSecret`
 * too). Adding a kind is a module in this folder and a line here.
 */
export function credentialsStrategy(options: CredentialsOptions): AuthStrategy {
  const { storage, betterAuthSecret, cookies, betterAuthURL } = options
  const fixed = options.config
  const log = options.log ?? ((message: string) => console.error(message))
  const cookieNames = sessionCookieNames(cookies, options.siteURL)
  const refresher = betterAuthURL
    ? sessionRefresher({
        storage,
        getSessionURL: `${betterAuthURL}/get-session`,
        dontRememberCookieNames: betterAuthCookieNames(cookies).filter((name) =>
          name.endsWith('.dont_remember'),
        ),
        log,
      })
    : undefined
  const kinds: CredentialKind[] = [
    cookieCacheKind({ betterAuthSecret, cookiePrefix: cookies.cookiePrefix, cookieNames }),
    sessionKind({ storage, betterAuthSecret, cookieNames, refresher }),
    // The jwt plugin's tokens are checked against the key set Better Auth serves.
    ...(betterAuthURL ? [jwtKind({ betterAuthURL })] : []),
    // Better Auth's api-key plugin verifies each key (one signed call per request).
    ...(betterAuthURL && options.syncSecret
      ? [
          apiKeyKind({
            verifyURL: `${betterAuthURL}${API_KEY_VERIFICATION_PATH}`,
            syncSecret: options.syncSecret,
            betterAuthSecret,
          }),
        ]
      : []),
  ]
  return betterAuthStrategy({
    usersSlug: options.usersSlug,
    kinds,
    config: fixed ? () => Promise.resolve(fixed) : publishedConfigReader(storage),
    userIdField: options.userIdField,
    log,
  })
}
