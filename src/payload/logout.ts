import { APIError, type CollectionAfterLogoutHook, type PayloadRequest } from 'payload'
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

export interface LogoutOptions {
  storage: SecondaryStorage
  betterAuthSecret: string
  cookies: SessionCookieOptions
  /** Better Auth's sign-out endpoint as this server reaches it. */
  signOutURL: string
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
  const { storage, betterAuthSecret, cookies, signOutURL, externalOrigin } = options
  const timeoutMs = options.timeoutMs ?? 5_000
  const secureSite = usesSecureCookies(cookies, externalOrigin)
  const cookieNames = betterAuthCookieNames(cookies)
  // The session token is read as the strategy reads it: from the session cookie's names only.
  const tokenCookieNames = sessionCookieNames(cookies, externalOrigin)

  return async ({ req }) => {
    const headers = req.headers
    const present = presentCookies(headers, cookieNames)
    if (present.length === 0 && !headers.get('authorization')) return

    const result = await signOutThroughBetterAuth(req, { signOutURL, timeoutMs })
    // Better Auth judged the browser's own Origin (or Referer) and refused it: ending the session
    // anyway would undo its origin check. A request without either is a server's, not a page's.
    const claimedOrigin = headers.get('origin') ?? headers.get('referer')
    if (result.refused === 403 && claimedOrigin) {
      throw new APIError(
        `Better Auth refused to sign out a request from ${claimedOrigin}. If that is your site, add it to Better Auth's trustedOrigins.`,
        403,
      )
    }
    if (result.refused) {
      console.error(
        `[payload] Better Auth refused the sign-out (${result.refused} from ${signOutURL}); the session is deleted from the storage instead`,
      )
    }
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

/**
 * Better Auth's `Set-Cookie` values on success; otherwise none, with the status it refused with
 * (none when it did not answer).
 */
async function signOutThroughBetterAuth(
  req: PayloadRequest,
  { signOutURL, timeoutMs }: Pick<LogoutOptions, 'signOutURL'> & { timeoutMs: number },
): Promise<{ setCookies: string[] | null; refused?: number }> {
  // The browser's own Origin, Referer and Sec-Fetch-Site, never made up: Better Auth checks them on
  // every cookie-bearing POST, against its trustedOrigins.
  const forwarded = forwardedHeaders(req)
  try {
    const response = await fetch(signOutURL, {
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
      `[payload] Better Auth did not answer the sign-out at ${signOutURL} (${error}); the session is deleted from the storage instead. Check betterAuthClientOptions.internalBaseURL.`,
    )
  }
  return { setCookies: null }
}

function cookieName(setCookie: string): string {
  return setCookie.slice(0, setCookie.indexOf('=')).trim()
}
