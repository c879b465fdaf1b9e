import type { AuthStrategy, AuthStrategyResult } from 'payload'
import { revokedSessionsBeforeKey } from '../shared/keys.ts'
import { cookieRequestAllowed, readSessionCredential } from '../shared/sessionToken.ts'
import type { SecondaryStorage } from '../storage/types.ts'
import { isBanActive, isSessionValid, parseStoredSession } from './storedSession.ts'
import { BETTER_AUTH_USER, type BetterAuthIdentity } from './usersAccess.ts'

export const STRATEGY_NAME = 'better-auth'

export interface SessionStrategyOptions {
  storage: SecondaryStorage
  usersSlug: string
  betterAuthSecret: string
  /** The session cookie's names, as `sessionCookieNames` gives them (Secure sites: one name). */
  cookieNames: readonly string[]
  /**
   * The users-collection field holding Better Auth's user id: `baUserId` for mirrored users, `id`
   * when the users collection is Better Auth's user model (`payloadAdapter`). Default `baUserId`.
   */
  userIdField?: string
  /** At most one log line per this many ms while the storage is unreachable. */
  outageLogIntervalMs?: number
}

const nobody: AuthStrategyResult = { user: null }

/**
 * Authenticates a Payload request from Better Auth's session: verify the token's signature (and, for
 * a cookie, Payload's CSRF rule), read the session from the storage, check expiry, revocation and
 * ban, then find the user by `userIdField`. The revocation read and the user lookup run side by side.
 * No HTTP call, no Better Auth instance.
 */
export function betterAuthStrategy(options: SessionStrategyOptions): AuthStrategy {
  const { storage, usersSlug, betterAuthSecret, cookieNames } = options
  const userIdField = options.userIdField ?? 'baUserId'
  const outageLogIntervalMs = options.outageLogIntervalMs ?? 30_000
  let lastOutageLog = 0

  // Fail closed: an unreachable storage authenticates nobody, and says so once per interval.
  const onStorageError = (error: unknown): AuthStrategyResult => {
    const now = Date.now()
    if (now - lastOutageLog >= outageLogIntervalMs) {
      lastOutageLog = now
      console.error(
        `[payload] session storage unreachable, requests are unauthenticated: ${String(error)}`,
      )
    }
    return nobody
  }

  return {
    name: STRATEGY_NAME,
    async authenticate({ headers, payload, req }) {
      let credential = readSessionCredential(headers, cookieNames, betterAuthSecret)
      // A browser attaches cookies to cross-site requests too, never a bearer token: a cookie is
      // refused exactly where Payload refuses its own, and a Bearer header beside it still counts.
      if (credential?.from === 'cookie' && !cookieRequestAllowed(headers, payload.config.csrf)) {
        credential = readSessionCredential(headers, [], betterAuthSecret)
      }
      if (!credential) return nobody
      const { token } = credential

      let raw: string | null
      try {
        raw = await storage.get(token)
      } catch (error) {
        return onStorageError(error)
      }
      const stored = parseStoredSession(raw)
      if (!stored) return nobody
      const userId = stored.session.userId

      const [revokedBefore, found] = await Promise.all([
        storage.get(revokedSessionsBeforeKey(userId)).then(
          (value) => Number(value) || 0,
          (error: unknown) => error,
        ),
        payload.find({
          collection: usersSlug,
          where: { [userIdField]: { equals: userId } },
          depth: 0,
          limit: 1,
          pagination: false,
          overrideAccess: true,
          req,
        }),
      ])
      if (typeof revokedBefore !== 'number') return onStorageError(revokedBefore)
      if (!isSessionValid(stored, revokedBefore, Date.now())) return nobody

      const user = found.docs[0]
      if (!user) return nobody
      // The session caches its user as of sign-in; a ban written to the row since then counts too.
      if (isBanActive(user.banned, user.banExpires, Date.now())) return nobody
      const identity: BetterAuthIdentity = {
        id: stored.user?.id ?? userId,
        role: stored.user?.role ?? null,
        banned: stored.user?.banned ?? null,
      }
      return {
        user: {
          ...user,
          collection: usersSlug,
          _strategy: STRATEGY_NAME,
          [BETTER_AUTH_USER]: identity,
        },
      }
    },
  }
}
