import { parseCookie } from 'cookie'
import { sessionRefreshLockKey } from '../../shared/keys.ts'
import { logOncePer, OUTAGE_LOG_INTERVAL_MS } from '../../shared/outageLog.ts'
import type { SessionCredential } from '../../shared/sessionToken.ts'
import type { SecondaryStorage } from '../../storage/types.ts'
import type { StoredSession } from '../storedSession.ts'
import type { CredentialRequest } from './types.ts'

export interface SessionRefresherOptions {
  storage: SecondaryStorage
  /** Better Auth's `get-session` as this server reaches it. */
  getSessionURL: string
  /** The "don't remember me" cookie's names (Better Auth never slides such a session). */
  dontRememberCookieNames: readonly string[]
  log: (message: string) => void
  timeoutMs?: number
}

export interface SessionRefresher {
  /** The refreshed cookies when the session was due and Better Auth slid it, else undefined. */
  refreshIfDue(
    stored: StoredSession,
    credential: SessionCredential,
    request: CredentialRequest,
  ): Promise<Headers | undefined>
}

/**
 * Better Auth's rule (its `get-session`): a session is due once `updateAge` has passed since it was
 * last extended, i.e. `expiresAt - expiresIn + updateAge <= now`.
 */
export function isRefreshDue(
  expiresAt: number,
  { expiresIn, updateAge }: { expiresIn: number; updateAge: number },
  now: number,
): boolean {
  return expiresAt - expiresIn * 1000 + updateAge * 1000 <= now
}

/**
 * Sliding sessions: when a session is due, Payload lets Better Auth slide it (its `get-session`
 * extends the session in the storage and the database, and answers with its own refreshed
 * cookies), and passes those cookies on. One instance per session does it at a time (a lock in the
 * storage), so N instances make one call, not N. With the cookie cache on, a request that came
 * without a valid `session_data` cookie gets a fresh one the same way (at most once per `maxAge`).
 */
export function sessionRefresher({
  storage,
  getSessionURL,
  dontRememberCookieNames,
  log,
  timeoutMs = 5_000,
}: SessionRefresherOptions): SessionRefresher {
  const logFailure = logOncePer(OUTAGE_LOG_INTERVAL_MS, log)
  return {
    async refreshIfDue(stored, credential, request) {
      // A page render cannot set cookies: the next API call (the admin makes several) refreshes.
      if (credential.from === 'cookie' && !request.canSetHeaders) return undefined
      const config = await request.config()
      if (!config) return undefined
      const { session, cookieCache } = config
      // Cheapest test first: most requests find nothing due.
      const slide =
        !session.disableSessionRefresh &&
        isRefreshDue(Date.parse(stored.session.expiresAt), session, Date.now()) &&
        !hasAny(request.headers, dontRememberCookieNames)
      const reissueCache = cookieCache !== null && credential.from === 'cookie'
      if (!slide && !reissueCache) return undefined

      const lockSeconds = Math.max(
        1,
        slide ? session.updateAge : Math.min(session.updateAge, cookieCache?.maxAge ?? 60),
      )
      const lock = sessionRefreshLockKey(stored.session.id)
      if ((await storage.increment(lock, lockSeconds)) !== 1) return undefined
      try {
        return await askBetterAuth(request.headers)
      } catch (error) {
        // Let the next request try again; until the session expires it still authenticates.
        await storage.delete(lock).catch(() => undefined)
        logFailure(
          `[payload-better-auth] could not refresh a session through Better Auth at ${getSessionURL} (retrying on the next request): ${String(error)}`,
        )
        return undefined
      }
    },
  }

  async function askBetterAuth(requestHeaders: Headers): Promise<Headers | undefined> {
    const headers = new Headers()
    for (const name of ['cookie', 'authorization', 'user-agent']) {
      const value = requestHeaders.get(name)
      if (value) headers.set(name, value)
    }
    const response = await fetch(`${getSessionURL}?disableCookieCache=true`, {
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    })
    await response.body?.cancel()
    if (!response.ok) throw new Error(`get-session answered ${response.status}`)
    const refreshed = new Headers()
    for (const cookie of response.headers.getSetCookie()) refreshed.append('set-cookie', cookie)
    const token = response.headers.get('set-auth-token')
    if (token) refreshed.set('set-auth-token', token)
    return [...refreshed.keys()].length > 0 ? refreshed : undefined
  }
}

function hasAny(headers: Headers, names: readonly string[]): boolean {
  const header = headers.get('cookie')
  if (!header) return false
  const cookies = parseCookie(header)
  return names.some((name) => cookies[name] !== undefined)
}
