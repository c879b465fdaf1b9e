import { APIError, type CollectionAfterLogoutHook, type PayloadRequest } from 'payload'
import { revokedSessionsBeforeKey } from '../shared/keys.ts'
import {
  betterAuthCookieNames,
  expiredCookie,
  presentCookies,
  readSessionToken,
  type SessionCookieOptions,
  sessionCookieNames,
  usesSecureCookies,
} from '../shared/sessionToken.ts'
import type { SecondaryStorage } from '../storage/types.ts'
import { forwardedHeaders } from './betterAuthApi.ts'
import { betterAuthUserId } from './usersAccess.ts'

export interface LogoutOptions {
  storage: SecondaryStorage
  betterAuthSecret: string
  cookies: SessionCookieOptions
  /** Better Auth's sign-out endpoint as this server reaches it. */
  signOutURL: string
  /** Better Auth's `/revoke-sessions` as this server reaches it: Payload's logout `?allSessions=true`. */
  revokeSessionsURL: string
  /** The site's origin as browsers see it: on https, cookies are expired `Secure`. */
  externalOrigin: string
  timeoutMs?: number
}

/**
 * Payload's logout ends the Better Auth session too. Otherwise the session cookie would sign the
 * user straight back in on the next request. Better Auth's own sign-out is asked first, so the
 * session leaves its database as well as the storage and the cookies are expired with exactly the
 * attributes Better Auth set them with. The session is then deleted from the storage as well
 * (Payload then sees nobody, whether or not Better Auth answered or found it), and the cookies
 * Better Auth did not expire are expired here.
 */
export function endBetterAuthSessionOnLogout(options: LogoutOptions): CollectionAfterLogoutHook {
  const { storage, betterAuthSecret, cookies, signOutURL, revokeSessionsURL, externalOrigin } =
    options
  const timeoutMs = options.timeoutMs ?? 5_000
  const secureSite = usesSecureCookies(cookies, externalOrigin)
  const cookieNames = betterAuthCookieNames(cookies)
  // The session token is read as the strategy reads it: from the session cookie's names only.
  const tokenCookieNames = sessionCookieNames(cookies, externalOrigin)

  return async ({ req }) => {
    const headers = req.headers
    const present = presentCookies(headers, cookieNames)
    if (present.length === 0 && !headers.get('authorization')) return

    // Better Auth judged the browser's own Origin (or Referer) and refused it: ending the session
    // anyway would undo its origin check. A request without either is a server's, not a page's.
    const claimedOrigin = headers.get('origin') ?? headers.get('referer')
    const ask = async (url: string) => {
      const answer = await postToBetterAuth(req, url, timeoutMs)
      if (answer.refused === 403 && claimedOrigin) {
        throw new APIError(
          `Better Auth refused to sign out a request from ${claimedOrigin}. If that is your site, add it to Better Auth's trustedOrigins.`,
          403,
        )
      }
      if (answer.refused) {
        console.error(
          `[payload] Better Auth refused the sign-out (${answer.refused} from ${url}); the session is ended in the storage instead`,
        )
      }
      return answer
    }

    // `?allSessions=true`: every session of the user, first, while this one still proves who asks.
    if (req.searchParams?.get('allSessions') === 'true') {
      const revoked = await ask(revokeSessionsURL)
      const userId = betterAuthUserId(req.user)
      if (!revoked.setCookies && userId) {
        // Better Auth's own mark, which it and the strategy both honour: every session of the user
        // created before now is over.
        await storage
          .set(revokedSessionsBeforeKey(userId), String(Date.now()), REVOKED_MARK_TTL_SECONDS)
          .catch((error: unknown) => {
            console.error(`[payload] logout could not end the user's other sessions: ${error}`)
          })
      }
    }
    const result = await ask(signOutURL)
    const setCookies = result.setCookies
    // Also after Better Auth's success: its sign-out answers 200 when it read no session (a cookie
    // name or a Bearer header it does not take, but Payload's strategy does), and that session
    // would stay alive. Deleting a key Better Auth already deleted is harmless.
    const token = readSessionToken(headers, tokenCookieNames, betterAuthSecret)
    if (token) {
      await storage.delete(token).catch((error: unknown) => {
        console.error(`[payload] logout could not delete the Better Auth session: ${error}`)
      })
    }
    const expiredByBetterAuth = new Set((setCookies ?? []).map(cookieName))
    const responseHeaders = req.responseHeaders ?? new Headers()
    for (const value of setCookies ?? []) responseHeaders.append('Set-Cookie', value)
    for (const name of present) {
      if (!expiredByBetterAuth.has(name)) {
        responseHeaders.append('Set-Cookie', expiredCookie(name, secureSite))
      }
    }
    req.responseHeaders = responseHeaders
  }
}

/** How long the fallback's revocation mark lives: longer than any session Better Auth keeps. */
const REVOKED_MARK_TTL_SECONDS = 400 * 24 * 3600

/**
 * POSTs the request's credentials to a Better Auth endpoint (sign-out, revoke-sessions). Its
 * `Set-Cookie` values on success; otherwise none, with the status it refused with (none when it
 * did not answer).
 */
async function postToBetterAuth(
  req: PayloadRequest,
  url: string,
  timeoutMs: number,
): Promise<{ setCookies: string[] | null; refused?: number }> {
  // The browser's own Origin, Referer and Sec-Fetch-Site, never made up: Better Auth checks them on
  // every cookie-bearing POST, against its trustedOrigins.
  const forwarded = forwardedHeaders(req)
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: forwarded,
      body: '{}',
      signal: AbortSignal.timeout(timeoutMs),
    })
    await response.body?.cancel()
    if (response.ok) return { setCookies: response.headers.getSetCookie() }
    return { setCookies: null, refused: response.status }
  } catch (error) {
    console.error(
      `[payload] Better Auth did not answer at ${url} (${error}); the session is ended in the storage instead. Check betterAuthClientOptions.internalBaseURL.`,
    )
  }
  return { setCookies: null }
}

function cookieName(setCookie: string): string {
  return setCookie.slice(0, setCookie.indexOf('=')).trim()
}
