import { getCookieCache } from 'better-auth/cookies'
import { parseCookie } from 'cookie'
import { LRUCache } from 'lru-cache'
import { readSessionCredential } from '../../shared/sessionToken.ts'
import type { CredentialKind } from './types.ts'

export interface CookieCacheKindOptions {
  betterAuthSecret: string
  /** Better Auth's `advanced.cookiePrefix`. Default `better-auth`. */
  cookiePrefix?: string
  /** The session cookie's names, as `sessionCookieNames` gives them. */
  cookieNames: readonly string[]
}

/**
 * Better Auth's cookie cache (`session.cookieCache`): the signed or encrypted `session_data` cookie
 * carries the session, so a request that has a fresh one is authenticated without reading the
 * storage. Decoded by Better Auth's own `getCookieCache` (compact, jwt or jwe, as published), and
 * accepted on Better Auth's terms: it belongs to the session cookie beside it, its version matches,
 * and neither it (`maxAge`) nor the session has expired. So, as in Better Auth, a revocation or a
 * ban reaches such requests within `maxAge`; anything doubtful falls through to the storage.
 */
export function cookieCacheKind({
  betterAuthSecret,
  cookiePrefix = 'better-auth',
  cookieNames,
}: CookieCacheKindOptions): CredentialKind {
  // Better Auth decodes with WebCrypto, whose work waits on the thread pool (~0.4 ms a cookie here):
  // a browser sends the same cache cookie for up to maxAge, so each is decoded once. Every use
  // still checks its expiry and its session cookie.
  const decoded = new LRUCache<string, CookieCachePayload>({ max: 5_000 })
  return {
    name: 'cookie-cache',
    async verify(request) {
      if (!request.cookiesAllowed || !request.headers.get('cookie')?.includes('.session_data')) {
        return null
      }
      const cache = (await request.config())?.cookieCache
      if (!cache) return null
      const credential = readSessionCredential(request.headers, cookieNames, betterAuthSecret)
      if (credential?.from !== 'cookie') return null
      const secureName = cookieNames.find((name) => name.startsWith('__Secure-'))
      const isSecure =
        secureName !== undefined && request.headers.get('cookie')?.includes(secureName)
      // The cookie exactly as sent (every chunk), with what it is judged by.
      const memoKey = `${cache.encoding}:${cache.version}:${isSecure}:${sessionDataPairs(request.headers)}`
      let cached = decoded.get(memoKey) ?? null
      if (!cached) {
        try {
          cached = await getCookieCache(request.headers, {
            secret: betterAuthSecret,
            strategy: cache.encoding,
            cookiePrefix,
            isSecure: Boolean(isSecure),
            version: cache.version,
          })
        } catch {
          return null
        }
        if (cached) decoded.set(memoKey, cached, { ttl: cache.maxAge * 1000 })
      }
      if (
        !cached ||
        cached.session.token !== credential.token ||
        isStale(cached, cache.maxAge) ||
        !(new Date(cached.session.expiresAt).getTime() > Date.now())
      ) {
        return null
      }
      const user = cached.user as {
        role?: string | null
        banned?: boolean | null
        banExpires?: string | Date | null
      }
      const session = cached.session as { impersonatedBy?: string | null }
      return {
        userId: cached.session.userId,
        via: 'cookie-cache',
        role: user.role ?? null,
        banned: user.banned ?? null,
        banExpires: user.banExpires ?? null,
        sessionId: cached.session.id,
        impersonatedBy: session.impersonatedBy ?? null,
      }
    },
  }
}

type CookieCachePayload = NonNullable<Awaited<ReturnType<typeof getCookieCache>>>

/** The `session_data` cookie (and its chunks, for a large one) as the request carries it. */
function sessionDataPairs(headers: Headers): string {
  const cookies = parseCookie(headers.get('cookie') ?? '')
  return Object.keys(cookies)
    .filter((name) => name.includes('.session_data'))
    .sort()
    .map((name) => `${name}=${cookies[name]}`)
    .join(';')
}

/**
 * Better Auth's staleness rule for the cache (its `get-session`): stale once its own expiry has
 * passed, strictly. `getCookieCache` decodes a JWE with 15 s of clock tolerance, so the `exp` claim
 * is checked here again; every encoding also carries when it was written (`updatedAt`).
 */
function isStale(cached: { updatedAt: number; exp?: unknown }, maxAgeSeconds: number): boolean {
  const now = Date.now()
  if (typeof cached.exp === 'number' && cached.exp * 1000 < now) return true
  return !(cached.updatedAt + maxAgeSeconds * 1000 >= now)
}
