import type { AuthStrategy, AuthStrategyResult } from 'payload'
import { logOncePer, OUTAGE_LOG_INTERVAL_MS } from '../../shared/outageLog.ts'
import type { PublishedConfig } from '../../shared/publishedConfig.ts'
import { cookieRequestAllowed } from '../../shared/sessionToken.ts'
import { isBanActive } from '../storedSession.ts'
import { BETTER_AUTH_USER, type BetterAuthIdentity } from '../usersAccess.ts'
import {
  type CredentialKind,
  type CredentialRequest,
  type PayloadUserRow,
  REFUSED,
} from './types.ts'

export const STRATEGY_NAME = 'better-auth'

export interface BetterAuthStrategyOptions {
  usersSlug: string
  /** The credential kinds, asked in this order; the first whose credential is on the request decides. */
  kinds: readonly CredentialKind[]
  /** Better Auth's published rules (see `publishedConfigReader`). */
  config: () => Promise<PublishedConfig | null>
  /**
   * The users-collection field holding Better Auth's user id: `baUserId` for mirrored users, `id`
   * when the users collection is Better Auth's user model (`payloadAdapter`). Default `baUserId`.
   */
  userIdField?: string
  log?: (message: string) => void
}

const nobody: AuthStrategyResult = { user: null }

/**
 * The one Payload strategy for every Better Auth credential. It asks each kind (session cookie or
 * bearer, cookie cache, API key, JWT...) in turn; the first whose credential the request carries
 * decides. Then, whatever the kind: find the Payload user by `userIdField`, refuse a ban written
 * on the row since the credential was issued, and attach what Better Auth says of the user
 * (`BETTER_AUTH_USER`). A store that does not answer authenticates nobody (fail closed) and is
 * logged once per outage.
 */
export function betterAuthStrategy({
  usersSlug,
  kinds,
  config,
  userIdField = 'baUserId',
  log = console.error,
}: BetterAuthStrategyOptions): AuthStrategy {
  const logOutage = logOncePer(OUTAGE_LOG_INTERVAL_MS, log)
  return {
    name: STRATEGY_NAME,
    async authenticate({ headers, payload, canSetHeaders, req }) {
      const lookups = new Map<string, Promise<PayloadUserRow | null>>()
      const request: CredentialRequest = {
        headers,
        payload,
        canSetHeaders: canSetHeaders === true,
        cookiesAllowed: cookieRequestAllowed(headers, payload.config.csrf),
        config,
        findUser(userId) {
          let lookup = lookups.get(userId)
          if (!lookup) {
            lookup = payload
              .find({
                collection: usersSlug,
                where: { [userIdField]: { equals: userId } },
                depth: 0,
                limit: 1,
                pagination: false,
                overrideAccess: true,
                req,
              })
              .then((found) => (found.docs[0] as PayloadUserRow | undefined) ?? null)
            lookups.set(userId, lookup)
          }
          return lookup
        },
      }
      try {
        for (const kind of kinds) {
          const verdict = await kind.verify(request)
          if (verdict === null) continue
          if (verdict === REFUSED) return nobody
          const user = await request.findUser(verdict.userId)
          const now = Date.now()
          // The credential caches its user as of sign-in; a ban written to the row since counts too.
          if (
            !user ||
            isBanActive(verdict.banned, verdict.banExpires, now) ||
            isBanActive(user.banned, user.banExpires, now)
          ) {
            return nobody
          }
          const identity: BetterAuthIdentity = {
            id: verdict.userId,
            role: verdict.role ?? null,
            banned: verdict.banned ?? null,
            via: verdict.via,
            sessionId: verdict.sessionId,
            impersonatedBy: verdict.impersonatedBy ?? null,
            apiKey: verdict.apiKey,
          }
          return {
            user: {
              ...user,
              collection: usersSlug,
              _strategy: STRATEGY_NAME,
              // Readable by access rules and `/me` as plain fields too.
              ...(identity.impersonatedBy ? { impersonatedBy: identity.impersonatedBy } : {}),
              ...(identity.apiKey ? { apiKey: identity.apiKey } : {}),
              [BETTER_AUTH_USER]: identity,
            },
            responseHeaders: verdict.responseHeaders,
          }
        }
        return nobody
      } catch (error) {
        logOutage(
          `[payload-better-auth] session storage unreachable (or Better Auth, for API keys), requests are unauthenticated until it answers: ${String(error)}`,
        )
        return nobody
      }
    },
  }
}
