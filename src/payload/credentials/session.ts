import { revokedSessionsBeforeKey } from '../../shared/keys.ts'
import { readSessionCredential } from '../../shared/sessionToken.ts'
import type { SecondaryStorage } from '../../storage/types.ts'
import { isSessionValid, parseStoredSession } from '../storedSession.ts'
import type { SessionRefresher } from './sessionRefresh.ts'
import { type CredentialKind, REFUSED } from './types.ts'

export interface SessionKindOptions {
  storage: SecondaryStorage
  betterAuthSecret: string
  /** The session cookie's names, as `sessionCookieNames` gives them. */
  cookieNames: readonly string[]
  /** Slides the session forward through Better Auth when it is due; absent: never. */
  refresher?: SessionRefresher
}

/**
 * Better Auth's session token, from its cookie or `Authorization: Bearer` (the bearer plugin's
 * signed token): read the session from the storage, check expiry and `revoked-sessions-before`,
 * and slide it forward by Better Auth's `updateAge` rule. Multi-session and impersonation need
 * nothing more: the cookie names the active session, and an impersonation session says whom
 * `impersonatedBy`.
 */
export function sessionKind({
  storage,
  betterAuthSecret,
  cookieNames,
  refresher,
}: SessionKindOptions): CredentialKind {
  return {
    name: 'session',
    async verify(request) {
      // A browser attaches cookies to cross-site requests too, never a bearer token: a cookie is
      // refused exactly where Payload refuses its own, and a Bearer header beside it still counts.
      const credential = readSessionCredential(
        request.headers,
        request.cookiesAllowed ? cookieNames : [],
        betterAuthSecret,
      )
      if (!credential) return null
      const stored = parseStoredSession(await storage.get(credential.token))
      if (!stored) return REFUSED
      const userId = stored.session.userId
      // The user lookup runs beside the revocation read.
      void request.findUser(userId).catch(() => undefined)
      const revokedBefore = Number(await storage.get(revokedSessionsBeforeKey(userId))) || 0
      if (!isSessionValid(stored, revokedBefore, Date.now())) return REFUSED
      const responseHeaders = await refresher?.refreshIfDue(stored, credential, request)
      return {
        userId,
        via: 'session',
        role: stored.user?.role ?? null,
        banned: stored.user?.banned ?? null,
        banExpires: stored.user?.banExpires ?? null,
        sessionId: stored.session.id,
        impersonatedBy: stored.session.impersonatedBy ?? null,
        responseHeaders,
      }
    },
  }
}
